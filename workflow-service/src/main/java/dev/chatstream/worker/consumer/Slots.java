package dev.chatstream.worker.consumer;

/**
 * The bound on answers streaming at once ({@code WORKER_CONCURRENCY}). The fetcher asks for only as
 * many requests as there are free slots, so a busy worker leaves work in the stream for the others,
 * and it starts a request only after taking a slot: {@link #used()} never exceeds the capacity.
 */
final class Slots {
    private final int capacity;
    private int used;

    Slots(int capacity) {
        this.capacity = capacity;
    }

    /** Waits up to {@code timeoutMs} for a free slot; returns how many are free (maybe 0). */
    synchronized int awaitFree(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (used >= capacity) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return 0;
            }
            wait(left);
        }
        return capacity - used;
    }

    /** Takes a slot if one is free. */
    synchronized boolean tryAcquire() {
        if (used >= capacity) {
            return false;
        }
        used++;
        return true;
    }

    synchronized void release() {
        used--;
        notifyAll();
    }

    synchronized int used() {
        return used;
    }

    int capacity() {
        return capacity;
    }
}
