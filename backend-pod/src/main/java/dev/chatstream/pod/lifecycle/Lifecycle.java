package dev.chatstream.pod.lifecycle;

import dev.chatstream.schemas.HealthResponse;

import java.util.function.BooleanSupplier;

/**
 * Whether the pod takes traffic: not while draining, not while NATS is disconnected. Read by the HTTP
 * handlers (readiness, refusing new streams) and set by the composition root on shutdown.
 */
public final class Lifecycle {
    private final BooleanSupplier natsConnected;
    private volatile boolean draining;

    public Lifecycle(BooleanSupplier natsConnected) {
        this.natsConnected = natsConnected;
    }

    public void startDraining() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    public boolean ready() {
        return !draining && natsConnected.getAsBoolean();
    }

    /** {@code ok}, {@code draining} or {@code degraded} (NATS down), as in {@link HealthResponse}. */
    public String status() {
        if (draining) {
            return HealthResponse.STATUS_DRAINING;
        }
        return natsConnected.getAsBoolean() ? HealthResponse.STATUS_OK : HealthResponse.STATUS_DEGRADED;
    }
}
