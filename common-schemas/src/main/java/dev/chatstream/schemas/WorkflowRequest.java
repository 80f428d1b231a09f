package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.chatstream.subjects.SubjectToken;

import java.time.Instant;
import java.util.Objects;

/**
 * A chat message to answer, as a backend pod publishes it to {@code chat.workflow.execute.{sid}}.
 * {@code user_id} is absent when the pod runs without authentication.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowRequest(
        @JsonProperty(value = "message_id", required = true) String messageId,
        @JsonProperty(value = "session_id", required = true) String sessionId,
        @JsonProperty("user_id") String userId,
        @JsonProperty(value = "message", required = true) String message,
        @JsonProperty(value = "context", required = true) WorkflowContext context,
        @JsonProperty(value = "timestamp", required = true) Instant timestamp,
        @JsonProperty(value = "correlation_id", required = true) String correlationId,
        @JsonProperty("schema_version") Integer schemaVersion) {

    /** The version of this message's shape; raised on incompatible changes. */
    public static final int SCHEMA_VERSION = 1;

    public WorkflowRequest {
        Objects.requireNonNull(messageId, "message_id");
        Objects.requireNonNull(sessionId, "session_id");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(correlationId, "correlation_id");
        if (!SubjectToken.isValid(messageId)) {
            throw new IllegalArgumentException("message_id: must be 1-64 characters of [A-Za-z0-9_-]");
        }
        if (!SubjectToken.isValid(sessionId)) {
            throw new IllegalArgumentException("session_id: must be 1-64 characters of [A-Za-z0-9_-]");
        }
        if (message.isEmpty()) {
            throw new IllegalArgumentException("message: must not be empty");
        }
        if (schemaVersion == null) {
            schemaVersion = SCHEMA_VERSION;
        }
    }

    public WorkflowRequest(String messageId, String sessionId, String userId, String message,
                           WorkflowContext context, Instant timestamp, String correlationId) {
        this(messageId, sessionId, userId, message, context, timestamp, correlationId, SCHEMA_VERSION);
    }
}
