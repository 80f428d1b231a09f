package dev.chatstream.worker.telemetry;

import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.telemetry.LatencyBuckets;
import dev.chatstream.worker.provider.AiProvider;
import dev.chatstream.worker.provider.Completion;
import dev.chatstream.worker.provider.Generation;
import dev.chatstream.worker.provider.ProviderFailure;
import dev.chatstream.worker.provider.TokenSink;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The provider call seen with the OpenTelemetry GenAI semantic conventions: a client span
 * ({@code gen_ai.operation.name=chat}, {@code gen_ai.provider.name}, model, token usage, an event at the
 * first token) and the GenAI client metrics {@code gen_ai.client.operation.duration},
 * {@code gen_ai.client.token.usage}, {@code gen_ai.client.operation.time_to_first_chunk} and
 * {@code gen_ai.client.operation.time_per_output_chunk}, with millisecond buckets. Wraps the answer's
 * sink; everything runs on the answer's event-loop context, like the provider's callbacks.
 */
public final class GenAiTelemetry {
    private static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536};

    private final Tracer tracer;
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Meters> meters = new ConcurrentHashMap<>();

    public GenAiTelemetry(Tracer tracer, MeterRegistry registry) {
        this.tracer = tracer;
        this.registry = registry;
    }

    /** Calls {@code provider} for {@code request} under a GenAI client span, child of {@code answer}. */
    public Generation stream(AiProvider provider, WorkflowRequest request, TokenSink sink, Span answer) {
        String model = request.context().model() == null ? "default" : request.context().model();
        var builder = tracer.spanBuilder("chat " + model)
                .setParent(Context.root().with(answer))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", provider.name())
                .setAttribute("gen_ai.request.model", model);
        if (request.context().maxTokens() != null) {
            builder.setAttribute("gen_ai.request.max_tokens", request.context().maxTokens().longValue());
        }
        if (request.context().temperature() != null) {
            builder.setAttribute("gen_ai.request.temperature", request.context().temperature().doubleValue());
        }
        Span span = builder.startSpan();
        Observed observed = new Observed(span, meters(provider.name(), model), sink);
        Generation generation;
        try (Scope ignored = span.makeCurrent()) {
            generation = provider.stream(request, observed);
        }
        return () -> {
            observed.cancelled();
            generation.cancel();
        };
    }

    private Meters meters(String provider, String model) {
        return meters.computeIfAbsent(provider + '\u0000' + model, key -> new Meters(registry, provider, model));
    }

    /** The meters of one provider and model. */
    private static final class Meters {
        final Timer duration;
        final ConcurrentHashMap<String, Timer> failed = new ConcurrentHashMap<>();
        final Timer firstChunk;
        final Timer perChunk;
        final DistributionSummary outputTokens;
        private final MeterRegistry registry;
        private final String provider;
        private final String model;

        Meters(MeterRegistry registry, String provider, String model) {
            this.registry = registry;
            this.provider = provider;
            this.model = model;
            duration = durationTimer(null);
            firstChunk = timer("gen_ai.client.operation.time_to_first_chunk",
                    "From calling the provider to its first chunk");
            perChunk = timer("gen_ai.client.operation.time_per_output_chunk",
                    "Between two output chunks of the provider, after the first");
            outputTokens = DistributionSummary.builder("gen_ai.client.token.usage")
                    .description("Tokens per answer").serviceLevelObjectives(TOKEN_BUCKETS)
                    .tag("gen_ai.operation.name", "chat").tag("gen_ai.provider.name", provider)
                    .tag("gen_ai.request.model", model).tag("gen_ai.token.type", "output")
                    .register(registry);
        }

        Timer failed(String errorType) {
            return failed.computeIfAbsent(errorType, this::durationTimer);
        }

        private Timer durationTimer(String errorType) {
            return Timer.builder("gen_ai.client.operation.duration").description("Provider call, start to end")
                    .serviceLevelObjectives(LatencyBuckets.bounds())
                    .tag("gen_ai.operation.name", "chat").tag("gen_ai.provider.name", provider)
                    .tag("gen_ai.request.model", model).tag("error.type", errorType == null ? "none" : errorType)
                    .register(registry);
        }

        private Timer timer(String name, String description) {
            return Timer.builder(name).description(description).serviceLevelObjectives(LatencyBuckets.bounds())
                    .tag("gen_ai.operation.name", "chat").tag("gen_ai.provider.name", provider)
                    .tag("gen_ai.request.model", model)
                    .register(registry);
        }
    }

    /** The answer's sink, seen on the way. */
    private static final class Observed implements TokenSink {
        private final Span span;
        private final Meters meters;
        private final TokenSink sink;
        private final long startNanos = System.nanoTime();
        private long lastNanos;
        private int chunks;
        private boolean ended;

        Observed(Span span, Meters meters, TokenSink sink) {
            this.span = span;
            this.meters = meters;
            this.sink = sink;
        }

        @Override
        public void onToken(String text) {
            if (!ended) {
                long now = System.nanoTime();
                if (chunks++ == 0) {
                    meters.firstChunk.record(now - startNanos, TimeUnit.NANOSECONDS);
                    span.addEvent("gen_ai.first_token");
                } else {
                    meters.perChunk.record(now - lastNanos, TimeUnit.NANOSECONDS);
                }
                lastNanos = now;
            }
            sink.onToken(text);
        }

        @Override
        public void onComplete(Completion completion) {
            if (!ended) {
                ended = true;
                meters.duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                int tokens = completion.tokensUsed() != null ? completion.tokensUsed() : chunks;
                meters.outputTokens.record(tokens);
                if (completion.model() != null) {
                    span.setAttribute("gen_ai.response.model", completion.model());
                }
                span.setAttribute(FINISH_REASONS, List.of(completion.finishReason().wireName()));
                span.setAttribute("gen_ai.usage.output_tokens", tokens);
                span.end();
            }
            sink.onComplete(completion);
        }

        @Override
        public void onFailure(ProviderFailure failure) {
            if (!ended) {
                ended = true;
                meters.failed(failure.code()).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                span.setAttribute("error.type", failure.code());
                span.setStatus(StatusCode.ERROR, failure.publicMessage());
                span.end();
            }
            sink.onFailure(failure);
        }

        /** The answer stopped the generation (cancel, shutdown): the span ends without metrics. */
        void cancelled() {
            if (!ended) {
                ended = true;
                span.setAttribute(FINISH_REASONS, List.of("cancelled"));
                span.end();
            }
        }
    }
}
