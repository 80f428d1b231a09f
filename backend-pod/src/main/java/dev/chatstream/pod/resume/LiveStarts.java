package dev.chatstream.pod.resume;

import dev.chatstream.pod.routing.Batch;

/**
 * Hands a connection's live batches to {@link Replayer#seenLive} once per message and history start, not one by
 * one: after its history acknowledgement every live batch of a message repeats the same start, and learning it
 * costs a shared map lookup and a lock (4 % of the pod's sampled Java CPU at 10 k paced chunks/s,
 * docs/benchmarks.md §9).
 * A start the bounded {@link MessageStarts} forgot meanwhile is not handed over again by this connection: a replay
 * of that message then starts by time, which costs a longer read, never a chunk. Any thread: single batches come
 * on NATS threads, delivery rounds on the connection's.
 */
final class LiveStarts {
    /** The last start handed over. */
    private record Start(String messageId, long sequence) {
    }

    private final Replayer replayer;
    private volatile Start last;

    LiveStarts(Replayer replayer) {
        this.replayer = replayer;
    }

    void seen(Batch batch) {
        long sequence = batch.historyStart();
        if (sequence <= 0) {
            return;
        }
        Start previous = last;
        if (previous != null && previous.sequence() == sequence && previous.messageId().equals(batch.messageId())) {
            return;
        }
        replayer.seenLive(batch);
        last = new Start(batch.messageId(), sequence);
    }
}
