package dev.chatstream.pod.resume;

import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.ClientSink;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Hands live batches from NATS threads to a connection's own thread. One task takes every batch queued by
 * the time it runs, so under load several batches leave in one write (one flush), while a lone batch is
 * written at once.
 */
final class BatchInbox {
    private final ClientSink sink;
    private final Consumer<ArrayDeque<Batch>> taker;
    /** Guarded by this. */
    private ArrayDeque<Batch> queue;
    /** Whether a task to take the queue is scheduled. Guarded by this. */
    private boolean scheduled;

    BatchInbox(ClientSink sink, Consumer<ArrayDeque<Batch>> taker) {
        this.sink = sink;
        this.taker = taker;
    }

    /** Any thread. */
    void offer(Batch batch) {
        boolean schedule;
        synchronized (this) {
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            queue.add(batch);
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            sink.execute(this::take);
        }
    }

    /**
     * On the sink's thread: takes {@code more} now, behind whatever is queued (a task already scheduled then
     * finds the queue empty).
     */
    void takeWith(ArrayDeque<Batch> more) {
        ArrayDeque<Batch> batches;
        synchronized (this) {
            batches = queue;
            queue = null;
        }
        if (batches == null) {
            batches = more;
        } else {
            batches.addAll(more);
        }
        taker.accept(batches);
    }

    private void take() {
        ArrayDeque<Batch> batches;
        synchronized (this) {
            batches = queue;
            queue = null;
            scheduled = false;
        }
        if (batches != null) {
            taker.accept(batches);
        }
    }
}
