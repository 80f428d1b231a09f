package dev.chatstream.worker.registry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers when each pod last sent a heartbeat. A pod seen before and silent for
 * {@code HEARTBEAT_STALE_AFTER} is stale: its registry entries may not have expired yet, but chunks
 * sent to it would be lost, so routing skips it. A pod never heard of is trusted (this worker may have
 * just started). Thread-safe.
 */
public final class HeartbeatTracker {
    private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final long staleAfterNanos;
    private final LongSupplier nanoClock;

    public HeartbeatTracker(Duration staleAfter, LongSupplier nanoClock) {
        this.staleAfterNanos = staleAfter.toNanos();
        this.nanoClock = nanoClock;
    }

    public void heard(String podId) {
        lastSeen.put(podId, nanoClock.getAsLong());
    }

    public boolean isStale(String podId) {
        Long seen = lastSeen.get(podId);
        return seen != null && nanoClock.getAsLong() - seen > staleAfterNanos;
    }

    /** Forgets pods silent for ten times the stale limit, so the map stays bounded. */
    public void forgetLongGone() {
        long now = nanoClock.getAsLong();
        lastSeen.values().removeIf(seen -> now - seen > 10 * staleAfterNanos);
    }
}
