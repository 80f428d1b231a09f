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

    /**
     * Ids from 0, each once and rising by one, except that a {@code restart} notice (a redelivered attempt) starts
     * above every id of the attempt before it: {@code LiveAhead.MAX_CHUNKS} past what history held, since up to
     * that many may have gone live unrecorded.
     */
    static void assertIdsRiseByOne(List<SseEvent> chunks) {
        assertThat(chunks).as("chunks").isNotEmpty();
        assertThat(chunks.get(0).chunkId()).as("first id").isZero();
        for (int i = 1; i < chunks.size(); i++) {
            long previous = chunks.get(i - 1).chunkId();
            SseEvent chunk = chunks.get(i);
            if (isRestart(chunk)) {
                assertThat(chunk.chunkId()).as("restart notice after id " + previous).isGreaterThan(previous)
                        .isLessThanOrEqualTo(previous + 1 + dev.chatstream.wire.LiveAhead.MAX_CHUNKS);
            } else {
                assertThat(chunk.chunkId()).as("id after " + previous + " (ids: " + chunks.stream().map(SseEvent::chunkId).toList() + ")")
                        .isEqualTo(previous + 1);
            }
        }
    }

    static boolean isRestart(SseEvent chunk) {
        return "system".equals(chunk.chunkType()) && "restart".equals(chunk.json().getString("chunk"));
    }

    /**
     * The whole answer of a demo request for {@code maxTokens}, allowing redeliveries: ids rise by one
     * from 0 (a restart notice may jump, {@link #assertIdsRiseByOne}), one final chunk at the end, and after the last {@code restart} notice (if any) the full
     * {@code maxTokens} content chunks.
     */
    static void assertWholeAnswer(List<SseEvent> chunks, int maxTokens) {
        assertIdsRiseByOne(chunks);
        assertThat(chunks).filteredOn(SseEvent::isFinal).as("one final chunk").hasSize(1);
        assertThat(chunks.get(chunks.size() - 1).isFinal()).as("last chunk is final").isTrue();
        int lastRestart = -1;
        for (int i = 0; i < chunks.size(); i++) {
            if (isRestart(chunks.get(i))) {
                lastRestart = i;
            }
        }
        long content = chunks.subList(lastRestart + 1, chunks.size()).stream()
                .filter(c -> "content".equals(c.chunkType())).count();
        assertThat(content).as("content chunks of the last attempt").isEqualTo(maxTokens);
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
