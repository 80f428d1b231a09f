package dev.chatstream.pod.routing;

/**
 * Fills a connection's hole from history: feeds {@link Subscriber#deliverHistory} and then calls
 * {@link Subscriber#endReplay}, as for a resume. The SSE transport provides it (it owns the replayer).
 */
public interface GapRepair {
    void replay(Subscriber subscriber);

    /**
     * Like {@link #replay}, {@code delayMs} later: history is still storing chunks that already went
     * live (workers publish live right behind the history write, and a write retried through a
     * JetStream leader election lands seconds later). Without a timer at hand: at once.
     */
    default void replayAfter(Subscriber subscriber, long delayMs) {
        replay(subscriber);
    }

    /** Ends the repair at once: held batches go out, with the hole. */
    static GapRepair none() {
        return subscriber -> subscriber.sink().execute(() -> subscriber.endReplay(true));
    }
}
