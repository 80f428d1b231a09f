package dev.chatstream.pod.nats;

import dev.chatstream.pod.routing.ChunkFrames;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

/** Reads a chunk batch message (live or history) by its headers, without decoding chunk JSON. */
final class ChunkMessages {
    private ChunkMessages() {
    }

    /** The session of a batch, or null when the header is missing. */
    static String sessionId(Message message) {
        Headers headers = message.getHeaders();
        return headers == null ? null : headers.getFirst(ChunkHeaders.SESSION_ID);
    }

    /** Frames the batch as SSE events; throws {@link IllegalArgumentException} when a header is missing or bad. */
    static ChunkFrames frame(Message message) {
        Headers headers = message.getHeaders();
        if (headers == null) {
            throw new IllegalArgumentException("chunk batch without headers");
        }
        String sessionId = required(headers, ChunkHeaders.SESSION_ID);
        String messageId = required(headers, ChunkHeaders.MESSAGE_ID);
        long firstChunkId = Long.parseLong(required(headers, ChunkHeaders.FIRST_CHUNK_ID));
        String attempt = headers.getFirst(ChunkHeaders.ATTEMPT);
        String publishedAt = headers.getFirst(ChunkHeaders.PUBLISHED_AT);
        byte[] body = message.getData();
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("empty chunk batch");
        }
        return ChunkFrames.frame(sessionId, messageId, firstChunkId,
                attempt == null ? 1 : Integer.parseInt(attempt),
                publishedAt == null ? 0 : parseOrZero(publishedAt), body,
                "true".equals(headers.getFirst(ChunkHeaders.FINAL)));
    }

    private static String required(Headers headers, String name) {
        String value = headers.getFirst(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("chunk batch without " + name);
        }
        return value;
    }

    private static long parseOrZero(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
