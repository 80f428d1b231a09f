package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Why an answer failed. {@code code} is a stable machine-readable token (e.g.
 * {@code provider_http_error}); {@code message} is for humans.
 */
public record ChunkError(
        @JsonProperty(value = "code", required = true) String code,
        @JsonProperty(value = "message", required = true) String message) {

    public ChunkError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
