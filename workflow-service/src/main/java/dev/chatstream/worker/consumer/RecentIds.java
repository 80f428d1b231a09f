package dev.chatstream.worker.consumer;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** A bounded, expiring set of message ids (e.g. 10 000 entries for 10 minutes). Thread-safe. */
final class RecentIds {
    private final int capacity;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>();

    RecentIds(int capacity, Duration ttl, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    synchronized void add(String id) {
        entries.remove(id);
        entries.put(id, nanoClock.getAsLong());
        evict();
    }

    synchronized boolean contains(String id) {
        evict();
        return entries.containsKey(id);
    }

    private void evict() {
        long now = nanoClock.getAsLong();
        Iterator<Map.Entry<String, Long>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> oldest = it.next();
            if (entries.size() > capacity || now - oldest.getValue() > ttlNanos) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
