package dev.chatstream.telemetry;

import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.List;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in NATS message headers, both ways:
 * the pod writes it on a workflow request, the worker reads it there and writes its own on every chunk
 * batch, the pod reads that one when it delivers. Always W3C, whatever {@code OTEL_PROPAGATORS} says:
 * it is a wire contract between our own services.
 */
public final class NatsTraceContext {
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            return carrier == null ? List.of() : carrier.keySet();
        }

        @Override
        public String get(Headers carrier, String key) {
            return carrier == null ? null : carrier.getFirst(key);
        }
    };

    private NatsTraceContext() {
    }

    /** The context carried by {@code headers} (root when they carry none). */
    public static Context extract(Headers headers) {
        return W3C.extract(Context.root(), headers, GETTER);
    }

    /** The context a {@code traceparent} value names (root when it is null or malformed). */
    public static Context fromTraceparent(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        Headers headers = new Headers().put("traceparent", traceparent);
        return extract(headers);
    }

    /** Writes the context of {@code span} into {@code headers}; nothing when the span is invalid. */
    public static void inject(Span span, Headers headers) {
        W3C.inject(Context.root().with(span), headers, (carrier, key, value) -> carrier.put(key, value));
    }
}
