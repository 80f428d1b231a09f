package dev.chatstream.wire;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The body of a chunk batch: the compact JSON of consecutive chunks of one message, one per line
 * ({@code \n}-separated, no trailing newline). The codec never writes a raw newline inside a JSON
 * document, so a reader splits on {@code \n} without parsing.
 */
public final class ChunkBatch {
    private static final byte NEWLINE = '\n';

    private ChunkBatch() {
    }

    /** Joins encoded chunks into one body. */
    public static byte[] join(List<byte[]> encodedChunks) {
        if (encodedChunks.size() == 1) {
            return encodedChunks.get(0);
        }
        int size = encodedChunks.size() - 1;
        for (byte[] chunk : encodedChunks) {
            size += chunk.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        for (int i = 0; i < encodedChunks.size(); i++) {
            if (i > 0) {
                out.write(NEWLINE);
            }
            out.writeBytes(encodedChunks.get(i));
        }
        return out.toByteArray();
    }

    /** Receives each chunk of a batch as a slice of the body, with its index in the batch. */
    @FunctionalInterface
    public interface SliceConsumer {
        void accept(int index, byte[] body, int offset, int length);
    }

    /** Calls {@code consumer} once per chunk in the batch, in order, without copying; returns the count. */
    public static int forEach(byte[] body, SliceConsumer consumer) {
        int start = 0;
        int index = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == NEWLINE) {
                consumer.accept(index++, body, start, i - start);
                start = i + 1;
            }
        }
        if (start < body.length) {
            consumer.accept(index++, body, start, body.length - start);
        }
        return index;
    }
}
