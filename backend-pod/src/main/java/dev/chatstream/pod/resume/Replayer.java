package dev.chatstream.pod.resume;

import dev.chatstream.pod.routing.Batch;

/**
 * Reads history for a connection: feeds {@link ClientConnection#deliverHistory} and then calls
 * {@link ClientConnection#endReplay}. {@link SharedReplays} is the real one; tests use fakes.
 */
public interface Replayer {

    /**
     * Starts a replay for {@code connection}, {@code delayMs} from now (0: at once). A delay is for history
     * still storing chunks that already went live (workers publish live at once and record history per
     * window, up to 64 chunks behind; a write retried through a JetStream leader election lands seconds later).
     */
    void replay(ClientConnection connection, long delayMs);

    /**
     * A live batch for a connection (any thread) that says where its message's history begins; a connection
     * passes on each message's start once, not every batch that repeats it.
     */
    default void seenLive(Batch batch) {
    }

    /** Reads nothing: each replay ends at once, so held batches go out with their holes. */
    static Replayer none() {
        return (connection, delayMs) -> connection.sink().execute(() -> connection.endReplay(true));
    }
}
