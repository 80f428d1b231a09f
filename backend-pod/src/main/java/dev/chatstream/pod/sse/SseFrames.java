package dev.chatstream.pod.sse;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ResponseChunk;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.time.Instant;

/** SSE lines the transport writes itself: the reconnect hint, keep-alive comments, the history-gap notice. */
final class SseFrames {
    static final Buffer KEEPALIVE = Buffer.buffer(": ka\n\n");

    private SseFrames() {
    }

    /** {@code retry: <ms>} — how long the browser waits before reconnecting. */
    static Buffer retry(Duration retry) {
        return Buffer.buffer("retry: " + retry.toMillis() + "\n\n");
    }

    /**
     * A {@code system} chunk {@code history_gap} as an {@code event: chunk}, telling the client that history
     * does not reach back to its cursor. Its id is the client's cursor, so a later resume asks the same.
     */
    static Buffer historyGap(String sessionId, String eventId, String messageId, long chunkId) {
        ResponseChunk chunk = ResponseChunk.system(sessionId, messageId, chunkId, ResponseChunk.SYSTEM_HISTORY_GAP,
                null, Instant.now());
        return ChunkEventEncoder.single(eventId, MessageCodec.standard().encode(chunk));
    }
}
