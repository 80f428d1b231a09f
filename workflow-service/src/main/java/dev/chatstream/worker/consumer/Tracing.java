package dev.chatstream.worker.consumer;

import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * W3C trace context from the request's NATS headers to the chunk batches: one consumer span per
 * answer, child of the pod's span. Without an OpenTelemetry SDK the span is a no-op and the incoming
 * {@code traceparent} is passed through unchanged, so the pod can still correlate.
 */
final class Tracing {
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

    private final Tracer tracer;

    Tracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.chatstream.workflow-service");
    }

    Span startAnswer(Headers requestHeaders, String sessionId, String messageId) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), requestHeaders, GETTER);
        return tracer.spanBuilder("chat.workflow.answer")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("chat.session_id", sessionId)
                .setAttribute("chat.message_id", messageId)
                .startSpan();
    }

    /** The {@code traceparent} to put on chunk batches. */
    static String traceparent(Span span, Headers requestHeaders) {
        if (span.getSpanContext().isValid()) {
            Map<String, String> carrier = new HashMap<>();
            W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
            return carrier.get(ChunkHeaders.TRACEPARENT);
        }
        return requestHeaders == null ? null : requestHeaders.getFirst(ChunkHeaders.TRACEPARENT);
    }
}
