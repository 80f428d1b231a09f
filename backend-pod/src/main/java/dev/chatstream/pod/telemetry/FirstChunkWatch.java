package dev.chatstream.pod.telemetry;

import dev.chatstream.telemetry.NatsTraceContext;
import dev.chatstream.wire.ChunkHeaders;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The moment an answer reaches the user: the first time this pod writes chunk 0 of a message to a
 * client. Then it records time to first chunk ({@code chat_pod_ttft_seconds}: from the POST's accept
 * time, which the worker carries in {@code Chat-Requested-At}, so it holds whichever pod took the POST)
 * and ends a {@code deliver} consumer span, child of the worker's answer span, with an event
 * {@code first chunk written}. One observation per answer and pod, whatever the number of tabs.
 * A batch starting a message is remembered when it arrives (once per answer), forgotten when written;
 * answers never written here (the client connected later and got them by replay) age out.
 */
public final class FirstChunkWatch {
    private static final int MAX_PENDING = 10_000;
    private static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(2);

    private record Pending(Context parent, long requestedAtMicros, String subject, long arrivedNanos,
                           long arrivedEpochNanos) {
    }

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final Timer ttft;
    private final Tracer tracer;

    public FirstChunkWatch(Timer ttft, Tracer tracer) {
        this.ttft = ttft;
        this.tracer = tracer;
    }

    /** A chunk batch arrived from NATS; cheap unless it starts a message. */
    public void arrived(Message message) {
        arrived(message.getSubject(), message.getHeaders());
    }

    /** A chunk batch with {@code headers} arrived on {@code subject} (alone or in a frame); cheap unless it starts a message. */
    public void arrived(String subject, Headers headers) {
        if (headers == null || !"0".equals(headers.getFirst(ChunkHeaders.FIRST_CHUNK_ID))) {
            return;
        }
        String messageId = headers.getFirst(ChunkHeaders.MESSAGE_ID);
        if (messageId == null) {
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            long now = System.nanoTime();
            pending.values().removeIf(p -> now - p.arrivedNanos() > MAX_AGE_NANOS);
            if (pending.size() >= MAX_PENDING) {
                return;
            }
        }
        Instant now = Instant.now();
        pending.putIfAbsent(messageId, new Pending(NatsTraceContext.extract(headers),
                parseOrZero(headers.getFirst(ChunkHeaders.REQUESTED_AT)), subject, System.nanoTime(),
                now.getEpochSecond() * 1_000_000_000L + now.getNano()));
    }

    /** No connection here took the batch of {@code message}: nothing will be written. */
    public void notRouted(Message message) {
        Headers headers = message.getHeaders();
        notRouted(headers == null ? null : headers.getFirst(ChunkHeaders.MESSAGE_ID));
    }

    /** No connection here took a batch of {@code messageId} (null: unknown). */
    public void notRouted(String messageId) {
        if (messageId != null) {
            pending.remove(messageId);
        }
    }

    /** Chunk 0 of {@code messageId} was just written live to a client. */
    public void written(String sessionId, String messageId) {
        Pending first = pending.remove(messageId);
        if (first == null) {
            return;
        }
        Instant now = Instant.now();
        long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        if (first.requestedAtMicros() > 0 && nowMicros >= first.requestedAtMicros()) {
            ttft.record(nowMicros - first.requestedAtMicros(), TimeUnit.MICROSECONDS);
        }
        if (!Span.fromContext(first.parent()).getSpanContext().isSampled()) {
            return;
        }
        Span span = tracer.spanBuilder("deliver chat.pod.response").setParent(first.parent())
                .setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(first.arrivedEpochNanos(), TimeUnit.NANOSECONDS)
                .setAttribute("messaging.system", "nats")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", first.subject())
                .setAttribute("messaging.message.id", messageId)
                .setAttribute("chat.session_id", sessionId)
                .startSpan();
        span.addEvent("first chunk written");
        span.end();
    }

    private static long parseOrZero(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
