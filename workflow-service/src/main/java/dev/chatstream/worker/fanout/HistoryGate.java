package dev.chatstream.worker.fanout;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the history publishes in flight across all messages of this worker
 * ({@code HISTORY_MAX_IN_FLIGHT}). When JetStream acknowledges slowly, batchers queue here for a permit
 * and meanwhile their batches grow, so the history write rate follows what JetStream can take rather
 * than the chunk rate. Thread-safe; waiters are served first come, first served.
 */
final class HistoryGate {
    private final int capacity;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    HistoryGate(int capacity) {
        this.capacity = capacity;
    }

    boolean tryAcquire() {
        while (true) {
            int current = inFlight.get();
            if (current >= capacity) {
                return false;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Runs {@code onPermit} (holding a permit) as soon as one is free; call after a failed {@link #tryAcquire}. */
    void await(Runnable onPermit) {
        waiting.add(onPermit);
        // A release may have happened between the failed tryAcquire and the add: do not miss it.
        if (tryAcquire()) {
            handOver();
        }
    }

    /** Gives the permit back, or straight to the next waiter. */
    void release() {
        handOver();
    }

    private void handOver() {
        Runnable next = waiting.poll();
        if (next != null) {
            next.run();
        } else {
            inFlight.decrementAndGet();
            // A waiter may have queued after our poll: give it the permit we just freed.
            if (!waiting.isEmpty() && tryAcquire()) {
                handOver();
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }
}
