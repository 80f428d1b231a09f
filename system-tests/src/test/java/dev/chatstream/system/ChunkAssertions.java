package dev.chatstream.system;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What every client must see of an answer: each chunk once, ids rising by one, one final chunk at the end. */
final class ChunkAssertions {
    private ChunkAssertions() {
    }

    /** The whole answer, ids {@code 0..expectedFinalId} (content, then final). */
    static void assertComplete(List<SseEvent> chunks, long expectedFinalId) {
        assertThat(chunks).extracting(SseEvent::chunkId)
                .as("chunk ids, each exactly once and in order")
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, expectedFinalId).boxed().toList());
        assertThat(chunks).filteredOn(SseEvent::isFinal).hasSize(1);
        assertThat(chunks.get(chunks.size() - 1).isFinal()).as("last chunk is final").isTrue();
        assertThat(chunks).extracting(SseEvent::id).doesNotHaveDuplicates();
    }

    /** A suffix of the answer: contiguous from wherever the client joined, ending with the final chunk. */
    static void assertContiguousSuffix(List<SseEvent> chunks, long expectedFinalId) {
        assertThat(chunks).isNotEmpty();
        long first = chunks.get(0).chunkId();
        assertThat(chunks).extracting(SseEvent::chunkId)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(first, expectedFinalId).boxed().toList());
        assertThat(chunks.get(chunks.size() - 1).isFinal()).isTrue();
    }
}
