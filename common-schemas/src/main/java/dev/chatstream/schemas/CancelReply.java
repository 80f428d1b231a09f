package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * A worker's answer to a {@link CancelRequest}: {@code cancelled} (it was generating and stops),
 * {@code finished} (it already ended). Workers that never saw the message stay silent.
 */
public record CancelReply(
        @JsonProperty(value = "message_id", required = true) String messageId,
        @JsonProperty(value = "status", required = true) String status) {

    public static final String CANCELLED = "cancelled";
    public static final String FINISHED = "finished";

    public CancelReply {
        Objects.requireNonNull(messageId, "message_id");
        Objects.requireNonNull(status, "status");
    }
}
