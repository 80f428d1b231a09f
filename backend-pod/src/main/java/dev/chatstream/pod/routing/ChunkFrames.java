package dev.chatstream.pod.routing;

import dev.chatstream.wire.ChunkBatch;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * A chunk batch framed once as SSE events ({@code event: chunk}, {@code id: <message_id>:<chunk_id>},
 * {@code data: <json>}), with the byte offset of each event so a connection that already has the first
 * events of the batch gets only the rest. The same buffer is written to every connection of the session.
 */
public record ChunkFrames(String sessionId, String messageId, long firstChunkId, int count, int attempt,
                          long publishedAtMicros, Buffer frames, int[] offsets, boolean endsMessage) {

    private static final byte[] EVENT_ID = "event: chunk\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    /** Frames {@code body} (a {@link ChunkBatch}) of message {@code messageId}, chunk ids from {@code firstChunkId}. */
    public static ChunkFrames frame(String sessionId, String messageId, long firstChunkId, int attempt,
                                    long publishedAtMicros, byte[] body) {
        return frame(sessionId, messageId, firstChunkId, attempt, publishedAtMicros, body, false);
    }

    /** Like {@link #frame(String, String, long, int, long, byte[])}; {@code endsMessage} when the batch holds the final chunk. */
    public static ChunkFrames frame(String sessionId, String messageId, long firstChunkId, int attempt,
                                    long publishedAtMicros, byte[] body, boolean endsMessage) {
        byte[] prefix = (messageId + ':').getBytes(StandardCharsets.US_ASCII);
        int[] offsets = new int[countLines(body) + 1];
        // Sized once for every event's framing (prefix, id, field names), so the buffer never regrows.
        Buffer frames = Buffer.buffer(body.length + offsets.length * (EVENT_ID.length + prefix.length + 20
                + DATA.length + END.length));
        int count = ChunkBatch.forEach(body, (index, bytes, offset, length) -> {
            offsets[index] = frames.length();
            frames.appendBytes(EVENT_ID).appendBytes(prefix)
                    .appendString(Long.toString(firstChunkId + index))
                    .appendBytes(DATA).appendBytes(bytes, offset, length).appendBytes(END);
        });
        offsets[count] = frames.length();
        return new ChunkFrames(sessionId, messageId, firstChunkId, count, attempt, publishedAtMicros, frames, offsets,
                endsMessage);
    }

    /** One event with an explicit id (e.g. a {@code system} chunk made by the pod). */
    public static Buffer single(String id, byte[] json) {
        return Buffer.buffer(json.length + 64).appendBytes(EVENT_ID).appendString(id)
                .appendBytes(DATA).appendBytes(json).appendBytes(END);
    }

    /** The events from index {@code from} on. */
    public Buffer from(int from) {
        return from == 0 ? frames : frames.slice(offsets[from], offsets[count]);
    }

    private static int countLines(byte[] body) {
        int lines = 1;
        for (byte b : body) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
