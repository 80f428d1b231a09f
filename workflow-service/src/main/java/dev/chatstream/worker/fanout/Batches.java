package dev.chatstream.worker.fanout;

import java.util.ArrayList;
import java.util.List;

/** Splits consecutive chunks into batches of at most a byte budget (a single larger chunk goes alone). */
final class Batches {
    private Batches() {
    }

    static List<List<EncodedChunk>> split(List<EncodedChunk> chunks, int maxBytes) {
        List<List<EncodedChunk>> batches = new ArrayList<>();
        List<EncodedChunk> current = new ArrayList<>();
        int bytes = 0;
        for (EncodedChunk chunk : chunks) {
            int size = chunk.json().length + 1;
            if (!current.isEmpty() && bytes + size > maxBytes) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(chunk);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** Takes the first batch of at most {@code maxBytes} off the front of {@code chunks}. */
    static List<EncodedChunk> takeFirst(List<EncodedChunk> chunks, int maxBytes) {
        List<EncodedChunk> batch = new ArrayList<>();
        int bytes = 0;
        while (!chunks.isEmpty()) {
            int size = chunks.get(0).json().length + 1;
            if (!batch.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            batch.add(chunks.remove(0));
            bytes += size;
        }
        return batch;
    }
}
