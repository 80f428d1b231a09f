package dev.chatstream.loadtest.bench;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.wire.ChunkBatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Chunks shaped like the demo provider's: UUID ids, one short token each, microsecond timestamps. */
final class Samples {
    static final String SESSION_ID = "session-" + UUID.randomUUID();
    static final String MESSAGE_ID = UUID.randomUUID().toString();
    static final String CORRELATION_ID = UUID.randomUUID().toString();

    private Samples() {
    }

    static ResponseChunk chunk(long id) {
        return ResponseChunk.content(SESSION_ID, MESSAGE_ID, id, "token" + id + " ", CORRELATION_ID,
                Instant.parse("2026-11-25T23:01:02.123456Z"));
    }

    /** Like {@link #chunk} with a text that needs escaping and multi-byte UTF-8. */
    static ResponseChunk nonAsciiChunk(long id) {
        return ResponseChunk.content(SESSION_ID, MESSAGE_ID, id, "caf\u00e9 \"" + id + "\"\n\uD83D\uDE00 ", CORRELATION_ID,
                Instant.parse("2026-11-25T23:01:02.123456Z"));
    }

    /** A batch body of {@code size} consecutive chunks, as a worker publishes it. */
    static byte[] batch(int size) {
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            encoded.add(MessageCodec.standard().encode(chunk(i)));
        }
        return ChunkBatch.join(encoded);
    }
}
