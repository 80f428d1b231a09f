package dev.chatstream.loadtest.peers;

import java.util.concurrent.atomic.AtomicInteger;

/** Publish requests waiting for their answer, and the most seen at once since last asked. */
final class InFlight {
    private final AtomicInteger now = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    void started() {
        int current = now.incrementAndGet();
        max.accumulateAndGet(current, Math::max);
    }

    void ended() {
        now.decrementAndGet();
    }

    int current() {
        return now.get();
    }

    int takeMax() {
        return max.getAndSet(now.get());
    }
}
