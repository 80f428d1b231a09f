package dev.chatstream.worker.fanout;

import dev.chatstream.telemetry.NatsTraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.util.List;

/**
 * The producer spans of one answer's fan-out, children of the answer's span: one per history write
 * (publish to acknowledgement) and one per live batch (all its destinations). Per batch, not per chunk;
 * and only when the answer's trace is sampled, so an unsampled or untraced answer pays one check per
 * batch and allocates nothing.
 */
final class FanoutSpans {
    static final FanoutSpans NONE = new FanoutSpans(null, Context.root(), null);

    private final Tracer tracer;
    private final Context parent;
    private final String historySubject;

    private FanoutSpans(Tracer tracer, Context parent, String historySubject) {
        this.tracer = tracer;
        this.parent = parent;
        this.historySubject = historySubject;
    }

    /** Spans under the answer whose {@code traceparent} {@code info} carries; {@link #NONE} when it is not sampled. */
    static FanoutSpans of(Tracer tracer, MessageInfo info) {
        if (info.traceparent() == null) {
            return NONE;
        }
        Context parent = NatsTraceContext.fromTraceparent(info.traceparent());
        if (!Span.fromContext(parent).getSpanContext().isSampled()) {
            return NONE;
        }
        return new FanoutSpans(tracer, parent, info.historySubject());
    }

    /** Starts the span of one history write; end it at the acknowledgement. */
    Span historyWrite(long firstChunkId, int chunks, int attempt) {
        if (tracer == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("send chat.history").setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", historySubject)
                .setAttribute("messaging.destination.template", "chat.history.{sid}")
                .setAttribute("messaging.batch.message_count", chunks)
                .setAttribute("chat.first_chunk_id", firstChunkId)
                .setAttribute("chat.publish_attempt", attempt)
                .startSpan();
    }

    /** Records the live publish of one batch to {@code subjects} (core NATS: nothing to wait for). */
    void livePublished(List<String> subjects, long firstChunkId, int chunks) {
        if (tracer == null) {
            return;
        }
        tracer.spanBuilder("send chat.pod.response").setParent(parent).setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", subjects.size() == 1 ? subjects.get(0) : "multiple")
                .setAttribute("messaging.destination.template", "chat.pod.{podId}.response")
                .setAttribute("messaging.batch.message_count", chunks)
                .setAttribute("chat.destinations", subjects.size())
                .setAttribute("chat.first_chunk_id", firstChunkId)
                .startSpan()
                .end();
    }
}
