package dev.chatstream.worker.registry;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.HeartbeatMessage;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers when each pod last sent a heartbeat. A pod seen before and silent for
 * {@code HEARTBEAT_STALE_AFTER} is stale: its registry entries may not have expired yet, but chunks
 * sent to it would be lost, so routing skips it. A pod never heard of is trusted (this worker may have
 * just started). Also remembers which pods said their session-registry writes fail. Thread-safe.
 */
public final class HeartbeatTracker {
    private final ConcurrentHashMap<String, Long> lastSeen = new ConcurrentHashMap<>();
    /** Pods whose last heartbeat said their registry writes fail. */
    private final Set<String> registryDegraded = ConcurrentHashMap.newKeySet();
    private final long staleAfterNanos;
    private final LongSupplier nanoClock;

    public HeartbeatTracker(Duration staleAfter, LongSupplier nanoClock) {
        this.staleAfterNanos = staleAfter.toNanos();
        this.nanoClock = nanoClock;
    }

    public void heard(String podId) {
        heard(podId, true);
    }

    /**
     * A heartbeat message of {@code podId}: its {@code registry_ok} is read; a body that does not decode
     * still counts as a beat (the pod is alive), with a working registry.
     */
    public void heard(String podId, byte[] body) {
        boolean registryOk = true;
        try {
            registryOk = MessageCodec.standard().decode(body, HeartbeatMessage.class).registryHealthy();
        } catch (RuntimeException e) {
            // Liveness is what matters most here; the subject already names the pod.
        }
        heard(podId, registryOk);
    }

    /** A heartbeat of {@code podId}, saying whether its session-registry writes work. */
    public void heard(String podId, boolean registryOk) {
        lastSeen.put(podId, nanoClock.getAsLong());
        if (registryOk) {
            registryDegraded.remove(podId);
        } else {
            registryDegraded.add(podId);
        }
    }

    /**
     * Whether a live pod cannot write the registry: it may hold sessions the registry no longer names it
     * for, so routes add the session broadcast to reach it.
     */
    public boolean anyRegistryDegraded() {
        for (String podId : registryDegraded) {
            if (!isStale(podId)) {
                return true;
            }
        }
        return false;
    }

    public boolean isStale(String podId) {
        Long seen = lastSeen.get(podId);
        return seen != null && nanoClock.getAsLong() - seen > staleAfterNanos;
    }

    /** Forgets pods silent for ten times the stale limit, so the map stays bounded. */
    public void forgetLongGone() {
        long now = nanoClock.getAsLong();
        lastSeen.values().removeIf(seen -> now - seen > 10 * staleAfterNanos);
        registryDegraded.removeIf(podId -> !lastSeen.containsKey(podId));
    }
}
