package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/** Asks the workflow service, on {@code chat.workflow.cancel.{sid}}, to stop generating an answer. */
public record CancelRequest(
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty(value = "message_id", required = true) String messageId,
        @JsonProperty(value = "timestamp", required = true) Instant timestamp) {

    public CancelRequest {
        Objects.requireNonNull(sessionId, "session_id");
        Objects.requireNonNull(messageId, "message_id");
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
