package dev.chatstream.worker.fanout;

import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.WorkerHeaders;
import io.nats.client.impl.Headers;

import java.time.Instant;
import java.util.Objects;

/** The identity every batch of one answer carries in its headers. */
public record MessageInfo(String sessionId, String messageId, int attempt, String correlationId, String traceparent) {

    public MessageInfo {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(messageId, "messageId");
    }

    String historySubject() {
        return Subjects.history(sessionId);
    }

    /** The {@link ChunkHeaders} of a batch, plus {@link WorkerHeaders#PUBLISHED_AT}. */
    Headers headers(long firstChunkId, int count, boolean isFinal, long publishedAtMicros) {
        Headers headers = new Headers()
                .put(ChunkHeaders.SESSION_ID, sessionId)
                .put(ChunkHeaders.MESSAGE_ID, messageId)
                .put(ChunkHeaders.FIRST_CHUNK_ID, Long.toString(firstChunkId))
                .put(ChunkHeaders.CHUNK_COUNT, Integer.toString(count))
                .put(ChunkHeaders.ATTEMPT, Integer.toString(attempt))
                .put(WorkerHeaders.PUBLISHED_AT, Long.toString(publishedAtMicros));
        if (isFinal) {
            headers.put(ChunkHeaders.FINAL, "true");
        }
        if (correlationId != null) {
            headers.put(ChunkHeaders.CORRELATION_ID, correlationId);
        }
        if (traceparent != null) {
            headers.put(ChunkHeaders.TRACEPARENT, traceparent);
        }
        return headers;
    }

    static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
