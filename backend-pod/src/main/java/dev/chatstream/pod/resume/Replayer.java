package dev.chatstream.pod.resume;

/**
 * Reads history for a connection: feeds {@link ClientConnection#deliverHistory} and then calls
 * {@link ClientConnection#endReplay}. {@link SharedReplays} is the real one; tests use fakes.
 */
public interface Replayer {

    /**
     * Starts a replay for {@code connection}, {@code delayMs} from now (0: at once). A delay is for history
     * still storing chunks that already went live (workers publish live right behind the history write,
     * and a write retried through a JetStream leader election lands seconds later).
     */
    void replay(ClientConnection connection, long delayMs);

    /** Reads nothing: each replay ends at once, so held batches go out with their holes. */
    static Replayer none() {
        return (connection, delayMs) -> connection.sink().execute(() -> connection.endReplay(true));
    }
}
