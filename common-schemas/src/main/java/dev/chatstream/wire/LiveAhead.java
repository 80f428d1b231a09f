package dev.chatstream.wire;

/**
 * How far live delivery may run ahead of history, shared by every worker. History is written per message per
 * window ({@code HISTORY_FLUSH_INTERVAL}), live goes out at once, so clients may see chunks history does not
 * hold yet; a worker lets at most {@link #MAX_CHUNKS} chunks of a message go live past the last one history
 * acknowledged. A worker that dies can therefore have shown clients up to that many chunks history never got,
 * so a redelivered attempt numbers its chunks from {@link #restartChunkId}: above every id a client can have
 * seen of an earlier attempt, and a resume cursor from an earlier attempt still skips nothing of the new one.
 */
public final class LiveAhead {
    /** Chunks of a message live may run past history's last acknowledged one. */
    public static final int MAX_CHUNKS = 64;

    private LiveAhead() {
    }

    /** The id of a redelivered attempt's first chunk (its {@code restart} notice) after {@code lastStored}. */
    public static long restartChunkId(long lastStored) {
        return lastStored + 1 + MAX_CHUNKS;
    }
}
