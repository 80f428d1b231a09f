package dev.chatstream.pod.resume;

import java.util.function.LongSupplier;

/**
 * What one connection has written, per message: the highest {@code chunk_id} and the attempt. Decides
 * which chunks of a batch are new (docs/architecture.md "De-duplication and restarts"): chunks at or below
 * the highest of the same attempt are duplicates; a higher attempt starts over (its first chunk is a
 * {@code restart} notice) and is taken whole; an older attempt is stale and dropped, so two attempts are
 * never glued together. Holds {@link #INITIAL_CAPACITY} messages and grows (up to {@link #MAX_CAPACITY})
 * only while more messages than that are unfinished, or finished within {@link ReplayPolicy#HISTORY_WAIT},
 * so de-duplication and hole detection hold for every message in flight. A finished message is remembered
 * that long because a live copy of its batches can still come after history gave them to this connection
 * (a worker publishes a batch that waited for its history acknowledgement live only then, up to the retry
 * budget later); forgotten sooner, that copy would look like a new message first seen mid-way and be
 * replayed whole a second time. A slot is reused first from a message finished longer ago than that, then
 * the oldest finished one (only at {@link #MAX_CAPACITY}), then the least recently touched. Allocates
 * nothing until the first chunk. Not thread-safe: used on the connection's own thread.
 */
final class DeliveryTracker {
    static final int INITIAL_CAPACITY = 4;
    static final int MAX_CAPACITY = 256;

    private String[] messageIds;
    private long[] highest;
    private int[] attempts;
    private long[] touched;
    private boolean[] finished;
    /** When each finished message got its final chunk ({@link #nanoTime}). */
    private long[] finishedAt;
    private long clock;
    private final LongSupplier nanoTime;

    DeliveryTracker() {
        this(System::nanoTime);
    }

    /** With {@code nanoTime} as the clock finished messages are remembered by. */
    DeliveryTracker(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Returns the index in the batch of the first chunk to write ({@code count} when none) and records
     * the batch as written.
     */
    int accept(String messageId, long firstChunkId, int count, int attempt) {
        return accept(messageId, firstChunkId, count, attempt, false);
    }

    /** Like {@link #accept(String, long, int, int)}; {@code endsMessage} when the batch holds the final chunk. */
    int accept(String messageId, long firstChunkId, int count, int attempt, boolean endsMessage) {
        int from = acceptBatch(messageId, firstChunkId, count, attempt);
        if (endsMessage && from < count) {
            int slot = find(messageId);
            finished[slot] = true;
            finishedAt[slot] = nanoTime.getAsLong();
        }
        return from;
    }

    private int acceptBatch(String messageId, long firstChunkId, int count, int attempt) {
        long last = firstChunkId + count - 1;
        int slot = find(messageId);
        if (slot < 0) {
            record(claim(), messageId, last, attempt);
            return 0;
        }
        touched[slot] = ++clock;
        if (attempt < attempts[slot]) {
            return count;
        }
        if (attempt > attempts[slot]) {
            record(slot, messageId, last, attempt);
            return 0;
        }
        long from = highest[slot] + 1 - firstChunkId;
        if (from >= count) {
            return count;
        }
        record(slot, messageId, last, attempt);
        return (int) Math.max(0, from);
    }

    /**
     * Whether a batch starts after a hole: chunks between what was written and it are missing. Also
     * for a new attempt: its restart id follows the last chunk recorded in history, so anything between
     * is a chunk of the old attempt that history holds but this connection never got (a worker killed
     * between recording a batch and publishing it live).
     */
    boolean gapBefore(String messageId, long firstChunkId, int attempt) {
        int slot = find(messageId);
        return slot >= 0 && attempt >= attempts[slot] && firstChunkId > highest[slot] + 1;
    }

    /** The highest chunk id written of {@code messageId}; only meaningful when {@link #knows} it. */
    long highest(String messageId) {
        int slot = find(messageId);
        return slot < 0 ? -1 : highest[slot];
    }

    /**
     * A message written in part but not to its final chunk; null when none. With {@code previous} null (or
     * no longer tracked) the most recently touched one, else the next one after {@code previous} in slot
     * order, so that repeated tail checks visit every unfinished message in turn.
     */
    String unfinished(String previous) {
        if (messageIds == null) {
            return null;
        }
        int start = previous == null ? -1 : find(previous);
        if (start < 0) {
            int best = -1;
            for (int i = 0; i < messageIds.length; i++) {
                if (messageIds[i] != null && !finished[i] && (best < 0 || touched[i] > touched[best])) {
                    best = i;
                }
            }
            return best < 0 ? null : messageIds[best];
        }
        for (int step = 1; step <= messageIds.length; step++) {
            int i = (start + step) % messageIds.length;
            if (messageIds[i] != null && !finished[i]) {
                return messageIds[i];
            }
        }
        return null;
    }

    boolean knows(String messageId) {
        return find(messageId) >= 0;
    }

    /** Marks everything up to {@code chunkId} of {@code attempt} as written (a resume cursor). */
    void seed(String messageId, long chunkId, int attempt) {
        int slot = find(messageId);
        record(slot < 0 ? claim() : slot, messageId, chunkId, attempt);
    }

    private int find(String messageId) {
        if (messageIds == null) {
            return -1;
        }
        for (int i = 0; i < messageIds.length; i++) {
            if (messageId.equals(messageIds[i])) {
                return i;
            }
        }
        return -1;
    }

    private int claim() {
        if (messageIds == null) {
            messageIds = new String[INITIAL_CAPACITY];
            highest = new long[INITIAL_CAPACITY];
            attempts = new int[INITIAL_CAPACITY];
            touched = new long[INITIAL_CAPACITY];
            finished = new boolean[INITIAL_CAPACITY];
            finishedAt = new long[INITIAL_CAPACITY];
        }
        long now = nanoTime.getAsLong();
        long memory = ReplayPolicy.HISTORY_WAIT.toNanos();
        int oldest = 0;
        int oldestFinished = -1;
        int oldestForgettable = -1;
        for (int i = 0; i < messageIds.length; i++) {
            if (messageIds[i] == null) {
                return i;
            }
            if (finished[i]) {
                if (oldestFinished < 0 || touched[i] < touched[oldestFinished]) {
                    oldestFinished = i;
                }
                if (now - finishedAt[i] > memory
                        && (oldestForgettable < 0 || touched[i] < touched[oldestForgettable])) {
                    oldestForgettable = i;
                }
            }
            if (touched[i] < touched[oldest]) {
                oldest = i;
            }
        }
        if (oldestForgettable >= 0) {
            return oldestForgettable;
        }
        if (messageIds.length < MAX_CAPACITY) {
            int slot = messageIds.length;
            int size = Math.min(MAX_CAPACITY, slot * 2);
            messageIds = java.util.Arrays.copyOf(messageIds, size);
            highest = java.util.Arrays.copyOf(highest, size);
            attempts = java.util.Arrays.copyOf(attempts, size);
            touched = java.util.Arrays.copyOf(touched, size);
            finished = java.util.Arrays.copyOf(finished, size);
            finishedAt = java.util.Arrays.copyOf(finishedAt, size);
            return slot;
        }
        return oldestFinished >= 0 ? oldestFinished : oldest;
    }

    private void record(int slot, String messageId, long last, int attempt) {
        if (!messageId.equals(messageIds[slot]) || attempt != attempts[slot]) {
            finished[slot] = false;
        }
        messageIds[slot] = messageId;
        highest[slot] = last;
        attempts[slot] = attempt;
        touched[slot] = ++clock;
    }
}
