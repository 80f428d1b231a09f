package dev.chatstream.pod.routing;

/**
 * Fills a connection's hole from history: feeds {@link Subscriber#deliverHistory} and then calls
 * {@link Subscriber#endReplay}, as for a resume. The SSE transport provides it (it owns the replayer).
 */
@FunctionalInterface
public interface GapRepair {
    void replay(Subscriber subscriber);

    /** Ends the repair at once: held batches go out, with the hole. */
    static GapRepair none() {
        return subscriber -> subscriber.sink().execute(() -> subscriber.endReplay(true));
    }
}
