package dev.chatstream.worker.provider;

import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * A provider behind a circuit breaker. Each generation counts as one call: it fails only when it ends
 * with a {@link ProviderFailure#providerFault() provider fault} (HTTP 5xx, timeout, connection error);
 * a completed, cancelled or client-caused end (HTTP 4xx, 429) counts as a success. After
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
                if (failure.providerFault()) {
                    outcome.tryFail(failure.code() + ": " + failure.detail());
                } else {
                    // The provider answered: a bad model, a bad request or a rate limit is no sign
                    // that it is down, and must not let one client open the breaker for everyone.
                    outcome.tryComplete();
                }
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
