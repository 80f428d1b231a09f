package dev.chatstream.worker.provider;

import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A provider behind a circuit breaker. Each generation counts as one call: it succeeds when the
 * answer completes (or is cancelled) and fails when it ends with a {@link ProviderFailure}. After
 * repeated failures the breaker opens and requests end at once with {@code provider_unavailable}
 * instead of waiting for a provider that is down; after the reset time one trial call goes through.
 */
public final class GuardedProvider implements AiProvider {
    private final AiProvider delegate;
    private final CircuitBreaker breaker;
    private final Vertx vertx;

    public GuardedProvider(AiProvider delegate, CircuitBreaker breaker, Vertx vertx) {
        this.delegate = delegate;
        this.breaker = breaker;
        this.vertx = vertx;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    public CircuitBreakerState state() {
        return breaker.state();
    }

    @Override
    public Generation stream(WorkflowRequest request, TokenSink sink) {
        Guarded guarded = new Guarded(sink);
        breaker.<Void>execute(promise -> {
            guarded.outcome = promise;
            guarded.generation = delegate.stream(request, guarded);
        }).onFailure(err -> {
            if (guarded.generation == null) {
                // Rejected by the open breaker: the provider was not called.
                vertx.getOrCreateContext().runOnContext(v -> guarded.rejected());
            }
        });
        return guarded;
    }

    private static final class Guarded implements TokenSink, Generation {
        private final TokenSink sink;
        private Promise<Void> outcome;
        private Generation generation;
        private boolean done;

        Guarded(TokenSink sink) {
            this.sink = sink;
        }

        @Override
        public void onToken(String text) {
            if (!done) {
                sink.onToken(text);
            }
        }

        @Override
        public void onComplete(Completion completion) {
            if (!done) {
                done = true;
                outcome.tryComplete();
                sink.onComplete(completion);
            }
        }

        @Override
        public void onFailure(ProviderFailure failure) {
            if (!done) {
                done = true;
                outcome.tryFail(failure.code() + ": " + failure.message());
                sink.onFailure(failure);
            }
        }

        void rejected() {
            if (!done) {
                done = true;
                sink.onFailure(new ProviderFailure(ProviderFailure.UNAVAILABLE,
                        "the provider failed repeatedly; not calling it until the circuit breaker closes"));
            }
        }

        @Override
        public void cancel() {
            if (!done) {
                done = true;
                if (outcome != null) {
                    outcome.tryComplete();
                }
                if (generation != null) {
                    generation.cancel();
                }
            }
        }
    }
}
