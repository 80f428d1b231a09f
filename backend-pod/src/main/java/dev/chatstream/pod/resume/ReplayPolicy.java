package dev.chatstream.pod.resume;

import dev.chatstream.wire.HistoryRetryPolicy;

import java.time.Duration;

/**
 * How long resume waits and keeps trying, in one place. A failed history read (JetStream electing a leader, NATS
 * reconnecting) is retried with doubling backoff for {@link #retryFor} (the history retry budget); a live
 * stream's unfinished answer is checked every {@link #TAIL_CHECK_MS}. Everything that waits for history to
 * hold what went live waits {@link #HISTORY_WAIT}, read from the workers' retry budget.
 */
final class ReplayPolicy {
    /**
     * How long history may lag behind what went live: a worker retries a history write for at most
     * {@link HistoryRetryPolicy#budget()} of {@link HistoryRetryPolicy#STANDARD} (and publishes a batch that
     * waited for its acknowledgement live only then), so a hole is asked for again, an unfinished answer's tail
     * checked, and a finished message remembered against late live copies, for that long.
     */
    static final Duration HISTORY_WAIT = HistoryRetryPolicy.STANDARD.budget();
    /** The first delay before a hole or cursor history does not hold yet is asked for again; it doubles. */
    static final long FIRST_LAG_DELAY_MS = 50;
    /** The longest delay between two such asks. */
    static final long MAX_LAG_DELAY_MS = 2_000;
    /** How many asks {@link #lagDelay} spreads over {@link #HISTORY_WAIT}. */
    static final int MAX_LAG_RETRIES = lagRetriesWithin(HISTORY_WAIT);
    /** A replay keeps retrying for at least this many replay timeouts ({@link #retryFor}). */
    static final int ATTEMPT_WINDOWS = 3;
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 2_000;
    /** Longer than the workers' registry re-read (1 s): by then a resumed stream's pod is routed to. */
    static final long TAIL_CHECK_MS = 1_500;
    /** Tail checks without live progress before a connection stops looking: they span {@link #HISTORY_WAIT}. */
    static final int MAX_TAIL_CHECKS = (int) ((HISTORY_WAIT.toMillis() + TAIL_CHECK_MS - 1) / TAIL_CHECK_MS);
    /** How long a new replay waits for other connections of its session to join it. */
    static final long GATHER_MS = 20;
    /** History batches handed to the connections' threads in one task. */
    static final int SLICE_BATCHES = 64;

    private ReplayPolicy() {
    }

    /**
     * How long a failed history read is retried: the history retry budget, or {@link #ATTEMPT_WINDOWS} replay
     * timeouts when that is longer. JetStream can take longer than a few replay timeouts to answer reads after a
     * node loss (a new metadata leader, then every consumer re-assigned: ~15 s seen on a 3-node cluster), and
     * what a worker's history retries wait for, a read waits for too.
     */
    static Duration retryFor(Duration replayTimeout) {
        Duration windows = replayTimeout.multipliedBy(ATTEMPT_WINDOWS);
        return windows.compareTo(HISTORY_WAIT) > 0 ? windows : HISTORY_WAIT;
    }

    static long nextBackoff(long backoffMs) {
        return Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    /** The delay before ask number {@code retry} (0-based) for what history does not hold yet. */
    static long lagDelay(int retry) {
        return Math.min(MAX_LAG_DELAY_MS, FIRST_LAG_DELAY_MS << Math.min(retry, 20));
    }

    /** How many asks it takes for their delays to add up to {@code wait}. */
    static int lagRetriesWithin(Duration wait) {
        long waited = 0;
        int retries = 0;
        while (waited < wait.toMillis()) {
            waited += lagDelay(retries++);
        }
        return retries;
    }
}
