package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/** A backend pod's reply on {@code chat.pod.{podId}.health}. {@code status} is {@code ok}, {@code draining} or {@code degraded}. */
public record HealthResponse(
        @JsonProperty(value = "pod_id", required = true) String podId,
        @JsonProperty(value = "status", required = true) String status,
        @JsonProperty(value = "active_connections", required = true) int activeConnections,
        @JsonProperty(value = "timestamp", required = true) Instant timestamp) {

    public static final String STATUS_OK = "ok";
    public static final String STATUS_DRAINING = "draining";
    public static final String STATUS_DEGRADED = "degraded";

    public HealthResponse {
        Objects.requireNonNull(podId, "pod_id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
