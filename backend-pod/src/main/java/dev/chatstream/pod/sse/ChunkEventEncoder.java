package dev.chatstream.pod.sse;

import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.BatchEncoder;
import dev.chatstream.pod.routing.EncodedBatch;
import dev.chatstream.wire.ChunkBatch;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The native SSE flavour: each chunk one event {@code event: chunk}, {@code id: <message_id>:<chunk_id>},
 * {@code data: <ResponseChunk JSON>}. A batch is framed in one pass over its body, with the byte offset
 * of each event, so a connection that already has the first events gets only the rest. Another flavour
 * (e.g. the AI SDK UI message stream) is another encoder beside this one.
 */
public final class ChunkEventEncoder implements BatchEncoder {
    /** One instance: encodings are cached per encoder instance. */
    public static final ChunkEventEncoder INSTANCE = new ChunkEventEncoder();

    private static final byte[] EVENT_ID = "event: chunk\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private ChunkEventEncoder() {
    }

    @Override
    public EncodedBatch encode(Batch batch) {
        byte[] body = batch.body();
        byte[] prefix = (batch.messageId() + ':').getBytes(StandardCharsets.US_ASCII);
        int[] offsets = new int[batch.count() + 1];
        // Sized once for every event's framing (prefix, id, field names), so the buffer never regrows.
        Buffer frames = Buffer.buffer(body.length + offsets.length * (EVENT_ID.length + prefix.length + 20
                + DATA.length + END.length));
        long firstChunkId = batch.firstChunkId();
        int count = ChunkBatch.forEach(body, (index, bytes, offset, length) -> {
            offsets[index] = frames.length();
            frames.appendBytes(EVENT_ID).appendBytes(prefix)
                    .appendString(Long.toString(firstChunkId + index))
                    .appendBytes(DATA).appendBytes(bytes, offset, length).appendBytes(END);
        });
        offsets[count] = frames.length();
        return new Events(frames, offsets, count);
    }

    /** One event with an explicit id (a {@code system} chunk made by the pod). */
    static Buffer single(String id, byte[] json) {
        return Buffer.buffer(json.length + 64).appendBytes(EVENT_ID).appendString(id)
                .appendBytes(DATA).appendBytes(json).appendBytes(END);
    }

    private record Events(Buffer frames, int[] offsets, int count) implements EncodedBatch {
        @Override
        public BatchEncoder encoder() {
            return INSTANCE;
        }

        @Override
        public Buffer from(int from) {
            return from == 0 ? frames : frames.slice(offsets[from], offsets[count]);
        }
    }
}
