package dev.chatstream.pod.routing;

import java.util.ArrayDeque;
import java.util.Map;

/**
 * The delivery rounds waiting for one event loop. A round handed over while the loop has not yet run the
 * previous one joins it instead of queueing a task of its own: at light load every frame's round runs at once
 * (nothing waits, nothing is delayed), and when the loop falls behind, the frames that arrived meanwhile reach
 * each connection together, as one write ({@link RoutedConnection#deliver}), so the cost per chunk falls as the
 * backlog grows instead of every chunk paying its own write. Batches of a connection keep their arrival order.
 * Thread-safe: rounds come from NATS threads, the loop takes them.
 */
final class LoopInbox {
    /** Batches per connection handed over since the loop's task was queued; null when no task is queued. */
    private Map<RoutedConnection, ArrayDeque<Batch>> waiting;

    /** Hands {@code batches} to the loop {@code executor} runs on: in a task of its own, or the one already queued. */
    void add(ClientSink executor, Map<RoutedConnection, ArrayDeque<Batch>> batches) {
        synchronized (this) {
            if (waiting != null) {
                batches.forEach((connection, more) -> waiting.merge(connection, more, (queued, next) -> {
                    queued.addAll(next);
                    return queued;
                }));
                return;
            }
            waiting = batches;
        }
        executor.execute(this::deliver);
    }

    private void deliver() {
        Map<RoutedConnection, ArrayDeque<Batch>> taken;
        synchronized (this) {
            taken = waiting;
            waiting = null;
        }
        taken.forEach(RoutedConnection::deliver);
    }
}
