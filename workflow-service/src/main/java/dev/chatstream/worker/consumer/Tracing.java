package dev.chatstream.worker.consumer;

import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.telemetry.NatsTraceContext;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.worker.telemetry.GenAiTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

import java.util.HashMap;
import java.util.Map;

/**
 * W3C trace context from the request's NATS headers to the chunk batches: one consumer span per
 * delivery of a request, child of the pod's publish span, so a redelivery shows as a second attempt in
 * the same trace ({@code chat.attempt}). Without an OpenTelemetry SDK the span is a no-op and the
 * incoming {@code traceparent} is passed through unchanged, so the pod can still correlate.
 */
final class Tracing {
    private final Tracer tracer;
    private final GenAiTelemetry genAi;

    Tracing(OpenTelemetry openTelemetry, MeterRegistry meters) {
        this.tracer = openTelemetry.getTracer("dev.chatstream.workflow-service");
        this.genAi = new GenAiTelemetry(tracer, meters);
    }

    GenAiTelemetry genAi() {
        return genAi;
    }

    Span startAnswer(Message msg, String sessionId, String messageId) {
        Context parent = NatsTraceContext.extract(msg.getHeaders());
        long attempt = msg.isJetStream() ? msg.metaData().deliveredCount() : 1;
        return tracer.spanBuilder("process chat.workflow.execute")
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", msg.getSubject())
                .setAttribute("messaging.destination.template", "chat.workflow.execute.{sid}")
                .setAttribute("messaging.consumer.group.name", StreamDefinitions.WORKFLOW_WORKERS)
                .setAttribute("messaging.message.id", messageId)
                .setAttribute("chat.session_id", sessionId)
                .setAttribute("chat.attempt", attempt)
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
