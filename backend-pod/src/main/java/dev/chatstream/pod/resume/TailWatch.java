package dev.chatstream.pod.resume;

/**
 * The tail checks of one connection (see {@link ClientConnection#checkTail}): whether a watch runs, how many checks passed without live progress,
 * and the live write count at the last check. Used on the connection's thread only.
 */
final class TailWatch {
    /** Tail checks without live progress before the connection stops looking ({@link ReplayPolicy#HISTORY_WAIT}). */
    static final int MAX_CHECKS = ReplayPolicy.MAX_TAIL_CHECKS;

    private boolean running;
    private int checks;
    private long liveWrites;
    private long liveWritesAtLastCheck;
    /** The message the last tail repair was for: the next check takes the next unfinished one. */
    String lastRepaired;

    /** A live batch was written. */
    void liveWritten() {
        liveWrites++;
    }

    long liveWrites() {
        return liveWrites;
    }

    /** Starts a watch; false when one runs already. */
    boolean start() {
        if (running) {
            return false;
        }
        running = true;
        liveWritesAtLastCheck = liveWrites;
        return true;
    }

    void ended() {
        running = false;
    }

    /** A full budget again: something (a NATS reconnect) may have lost chunks anew. */
    void renew() {
        checks = 0;
    }

    /** Counts a check; false once the budget is spent. */
    boolean count() {
        return ++checks <= MAX_CHECKS;
    }

    /** Whether live batches were written since the last check (which resets the budget). */
    boolean liveSinceLastCheck() {
        boolean progress = liveWrites != liveWritesAtLastCheck;
        liveWritesAtLastCheck = liveWrites;
        if (progress) {
            checks = 0;
        }
        return progress;
    }
}
