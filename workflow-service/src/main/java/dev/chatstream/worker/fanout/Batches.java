package dev.chatstream.worker.fanout;

import java.util.ArrayList;
import java.util.List;

/** Cuts consecutive chunks into batches of at most a byte budget (a single larger chunk goes alone). */
final class Batches {
    private Batches() {
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
