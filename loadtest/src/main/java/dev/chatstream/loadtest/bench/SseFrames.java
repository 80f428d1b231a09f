package dev.chatstream.loadtest.bench;

import dev.chatstream.wire.ChunkBatch;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * SSE framing of a chunk batch exactly as docs/architecture.md specifies and as the pod's
 * {@code sse.ChunkEventEncoder} does it: one pass over the body, no JSON decoding, one buffer per
 * batch shared by every connection of the session.
 */
final class SseFrames {
    private static final byte[] EVENT_ID = "event: chunk\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    static Buffer frame(String messageId, long firstChunkId, byte[] body) {
        byte[] prefix = (messageId + ':').getBytes(StandardCharsets.US_ASCII);
        Buffer frames = Buffer.buffer(body.length + 64 * 4);
        ChunkBatch.forEach(body, (index, bytes, offset, length) -> frames.appendBytes(EVENT_ID).appendBytes(prefix)
                .appendString(Long.toString(firstChunkId + index))
                .appendBytes(DATA).appendBytes(bytes, offset, length).appendBytes(END));
        return frames;
    }
}
