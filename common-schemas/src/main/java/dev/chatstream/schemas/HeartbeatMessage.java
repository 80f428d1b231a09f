package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/** What a backend pod publishes on {@code chat.pod.{podId}.heartbeat} every few seconds. */
public record HeartbeatMessage(
        @JsonProperty(value = "pod_id", required = true) String podId,
        @JsonProperty(value = "timestamp", required = true) Instant timestamp,
        @JsonProperty(value = "active_connections", required = true) int activeConnections,
        @JsonProperty(value = "memory_usage_mb", required = true) double memoryUsageMb,
        @JsonProperty(value = "cpu_usage_percent", required = true) double cpuUsagePercent) {

    public HeartbeatMessage {
        Objects.requireNonNull(podId, "pod_id");
        Objects.requireNonNull(timestamp, "timestamp");
        if (activeConnections < 0) {
            throw new IllegalArgumentException("active_connections: must be >= 0, was " + activeConnections);
        }
    }
}
