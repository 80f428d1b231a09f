package dev.chatstream.worker.fanout;

import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.impl.Headers;

/**
 * The headers of one answer's batches (the {@link dev.chatstream.wire.BatchHeader} contract). The answer's identity
 * (session, message, attempt, correlation, trace, request time) is validated once; each batch copies it and adds
 * only its own fields, and the history write
 * and the live publish of a batch share one header set. With paced tokens every chunk is its own
 * batch, so this is per-chunk work.
 */
final class BatchHeaders {
    private final Headers identity;

    BatchHeaders(MessageInfo info) {
        Headers headers = new Headers()
                .put(ChunkHeaders.SESSION_ID, info.sessionId())
                .put(ChunkHeaders.MESSAGE_ID, info.messageId())
                .put(ChunkHeaders.ATTEMPT, Integer.toString(info.attempt()));
        if (info.correlationId() != null) {
            headers.put(ChunkHeaders.CORRELATION_ID, info.correlationId());
        }
        if (info.traceparent() != null) {
            headers.put(ChunkHeaders.TRACEPARENT, info.traceparent());
        }
        if (info.requestedAtMicros() > 0) {
            headers.put(ChunkHeaders.REQUESTED_AT, Long.toString(info.requestedAtMicros()));
        }
        this.identity = headers;
    }

    /** The headers of a batch as {@link dev.chatstream.wire.BatchHeader#from} reads them, plus correlation and trace. */
    Headers of(long firstChunkId, int count, boolean isFinal, long publishedAtMicros) {
        return of(firstChunkId, count, isFinal, publishedAtMicros, 0);
    }

    /** The same with {@code Chat-History-Start} when {@code historyStart} is known (positive). */
    Headers of(long firstChunkId, int count, boolean isFinal, long publishedAtMicros, long historyStart) {
        // The copy shares the identity's value lists; put() replaces a key's list, so they stay untouched.
        Headers headers = new Headers(identity)
                .put(ChunkHeaders.FIRST_CHUNK_ID, Long.toString(firstChunkId))
                .put(ChunkHeaders.CHUNK_COUNT, Integer.toString(count))
                .put(ChunkHeaders.PUBLISHED_AT, Long.toString(publishedAtMicros));
        if (isFinal) {
            headers.put(ChunkHeaders.FINAL, "true");
        }
        if (historyStart > 0) {
            headers.put(ChunkHeaders.HISTORY_START, Long.toString(historyStart));
        }
        return headers;
    }
}
