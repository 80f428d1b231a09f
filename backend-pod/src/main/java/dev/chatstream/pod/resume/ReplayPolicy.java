package dev.chatstream.pod.resume;

/**
 * How long resume waits and keeps trying, in one place. A failed history read (JetStream electing a leader, NATS
 * reconnecting) is retried with doubling backoff for {@link #ATTEMPT_WINDOWS} replay timeouts; a live
 * stream's unfinished answer is checked every {@link #TAIL_CHECK_MS}.
 */
final class ReplayPolicy {
    /** A replay keeps retrying for this many replay timeouts before the stream goes on without it. */
    static final int ATTEMPT_WINDOWS = 3;
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 2_000;
    /** Longer than the workers' registry re-read (1 s): by then a resumed stream's pod is routed to. */
    static final long TAIL_CHECK_MS = 1_500;
    /** How long a new replay waits for other connections of its session to join it. */
    static final long GATHER_MS = 20;
    /** History batches handed to the connections' threads in one task. */
    static final int SLICE_BATCHES = 64;

    private ReplayPolicy() {
    }

    static long nextBackoff(long backoffMs) {
        return Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }
}
