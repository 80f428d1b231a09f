package dev.chatstream.loadtest.peers;

import java.util.function.Consumer;

/**
 * The paced load of the side-by-side benchmark: {@code answers} answers streaming at once, each
 * {@code tokens} chunks one {@code spacingNanos} apart (the last one final), their starts spread evenly
 * over one spacing so the servers see a steady rate rather than a pulse per tick. An answer that ends is
 * replaced at once by a new one on the next channel (round-robin over {@code channels}), so the number
 * streaming stays constant until {@link #stopStarting()}. Not thread-safe: driven by one ticking thread.
 */
final class PacedAnswers {

    /** One chunk that is due: where it goes, which chunk of which answer it is, and when it fell due. */
    record Token(int channel, long answer, int chunkId, boolean last, long dueNanos) {
    }

    private final int tokens;
    private final int channels;
    private final long spacingNanos;
    private final int[] channel;
    private final long[] answer;
    private final int[] nextChunk;
    private final long[] dueNanos;
    private int nextChannel;
    private long nextAnswer;
    private boolean starting = true;
    private int streaming;

    PacedAnswers(int answers, int tokens, long spacingNanos, int channels, int firstChannel, long firstAnswer,
                 long startNanos) {
        if (answers < 1 || answers > channels) {
            throw new IllegalArgumentException("answers must be 1.." + channels + " (one answer per channel at a time), was " + answers);
        }
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be >= 1, was " + tokens);
        }
        this.tokens = tokens;
        this.channels = channels;
        this.spacingNanos = spacingNanos;
        this.channel = new int[answers];
        this.answer = new long[answers];
        this.nextChunk = new int[answers];
        this.dueNanos = new long[answers];
        this.nextChannel = firstChannel;
        this.nextAnswer = firstAnswer;
        for (int slot = 0; slot < answers; slot++) {
            startAnswer(slot);
            dueNanos[slot] = startNanos + spacingNanos * slot / answers;
        }
    }

    /** Hands every token due at {@code nowNanos} to {@code sink}; returns how many. */
    int due(long nowNanos, Consumer<Token> sink) {
        int count = 0;
        for (int slot = 0; slot < channel.length; slot++) {
            // A late tick emits every token of the slot that fell due, in order (the driver catching up).
            while (dueNanos[slot] <= nowNanos) {
                int chunkId = nextChunk[slot]++;
                boolean last = chunkId == tokens - 1;
                sink.accept(new Token(channel[slot], answer[slot], chunkId, last, dueNanos[slot]));
                count++;
                dueNanos[slot] += spacingNanos;
                if (last) {
                    streaming--;
                    if (starting) {
                        startAnswer(slot);
                    } else {
                        dueNanos[slot] = Long.MAX_VALUE;
                    }
                }
            }
        }
        return count;
    }

    /** From now on an answer that ends is not replaced: the answers streaming run to their end. */
    void stopStarting() {
        starting = false;
    }

    /** Answers started and not yet ended. */
    int streaming() {
        return streaming;
    }

    /** The channel the next new answer will use, so a following run continues the rotation. */
    int nextChannel() {
        return nextChannel;
    }

    /** The number the next new answer will get. */
    long nextAnswer() {
        return nextAnswer;
    }

    private void startAnswer(int slot) {
        channel[slot] = nextChannel;
        answer[slot] = nextAnswer++;
        nextChunk[slot] = 0;
        streaming++;
        nextChannel = (nextChannel + 1) % channels;
    }
}
