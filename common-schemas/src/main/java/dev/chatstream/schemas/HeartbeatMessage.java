package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * What a backend pod publishes on {@code chat.pod.{podId}.heartbeat} every few seconds. {@code registry_ok}
 * (optional; absent means true) is false while the pod's session-registry writes fail: workers then add the
 * session broadcast to every route, since the registry may no longer name this pod for its sessions.
 */
public record HeartbeatMessage(
        @JsonProperty(value = "pod_id", required = true) String podId,
        @JsonProperty(value = "timestamp", required = true) Instant timestamp,
        @JsonProperty(value = "active_connections", required = true) int activeConnections,
        @JsonProperty(value = "memory_usage_mb", required = true) double memoryUsageMb,
        @JsonProperty(value = "cpu_usage_percent", required = true) double cpuUsagePercent,
        @JsonProperty("registry_ok") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean registryOk) {

    /** A heartbeat without a registry verdict (a pod without a registry, or an older pod). */
    public HeartbeatMessage(String podId, Instant timestamp, int activeConnections, double memoryUsageMb,
                            double cpuUsagePercent) {
        this(podId, timestamp, activeConnections, memoryUsageMb, cpuUsagePercent, null);
    }

    /** Whether the pod's registry writes work; true when it did not say. */
    public boolean registryHealthy() {
        return registryOk == null || registryOk;
    }

    public HeartbeatMessage {
        Objects.requireNonNull(podId, "pod_id");
        Objects.requireNonNull(timestamp, "timestamp");
        if (activeConnections < 0) {
            throw new IllegalArgumentException("active_connections: must be >= 0, was " + activeConnections);
        }
    }
}
