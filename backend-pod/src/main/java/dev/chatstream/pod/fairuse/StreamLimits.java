package dev.chatstream.pod.fairuse;

import io.vertx.core.http.HttpServerResponse;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open SSE streams per user and per client address on this pod. A stream holds its slots until its
 * response has ended or closed; {@link #sweep()} (run every second) gives them back. Sweeping, rather than
 * hooking the response's close handler, leaves the stream handler's own handlers alone.
 */
public final class StreamLimits {
    /** Which limit refused a stream. */
    public enum Refusal { PER_USER, PER_ADDRESS }

    private record Slot(String user, String address, HttpServerResponse response) {
    }

    private final int perUser;
    private final int perAddress;
    private final Map<String, AtomicInteger> byUser = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();
    private final Set<Slot> held = ConcurrentHashMap.newKeySet();

    public StreamLimits(int perUser, int perAddress) {
        this.perUser = perUser;
        this.perAddress = perAddress;
    }

    /**
     * Takes a slot for a stream of {@code user} from {@code address} (either may be null: not counted) held
     * by {@code response}; null when granted, else the limit that refused it.
     */
    public Refusal tryAcquire(String user, String address, HttpServerResponse response) {
        if (user != null && !take(byUser, user, perUser)) {
            return Refusal.PER_USER;
        }
        if (address != null && !take(byAddress, address, perAddress)) {
            if (user != null) {
                give(byUser, user);
            }
            return Refusal.PER_ADDRESS;
        }
        if (user != null || address != null) {
            held.add(new Slot(user, address, response));
        }
        return null;
    }

    /** Gives back the slots of streams that ended. */
    public void sweep() {
        held.removeIf(slot -> {
            if (!slot.response.ended() && !slot.response.closed()) {
                return false;
            }
            if (slot.user != null) {
                give(byUser, slot.user);
            }
            if (slot.address != null) {
                give(byAddress, slot.address);
            }
            return true;
        });
    }

    /** Streams held by {@code user} now. */
    public int heldBy(String user) {
        AtomicInteger count = byUser.get(user);
        return count == null ? 0 : count.get();
    }

    private static boolean take(Map<String, AtomicInteger> counts, String key, int limit) {
        boolean[] granted = {false};
        counts.compute(key, (k, count) -> {
            AtomicInteger c = count == null ? new AtomicInteger() : count;
            if (c.get() < limit) {
                c.incrementAndGet();
                granted[0] = true;
            }
            return c;
        });
        return granted[0];
    }

    private static void give(Map<String, AtomicInteger> counts, String key) {
        counts.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
