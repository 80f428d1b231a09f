package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * One turn of a session's conversation as the server keeps it in {@code CHAT_CONVERSATIONS}: the user's
 * message, or the final text of an assistant answer with its {@code finish_reason}. Written once per turn by
 * the worker; read by the worker (the model's context) and by the pods ({@code GET /api/sessions/{sid}/messages}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredTurn(
        @JsonProperty(value = "role", required = true) String role,
        @JsonProperty(value = "text", required = true) String text,
        @JsonProperty(value = "message_id", required = true) String messageId,
        @JsonProperty("finish_reason") String finishReason,
        @JsonProperty(value = "timestamp", required = true) Instant timestamp) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public StoredTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(messageId, "message_id");
        Objects.requireNonNull(timestamp, "timestamp");
        if (!role.equals(USER) && !role.equals(ASSISTANT)) {
            throw new IllegalArgumentException("role: must be user or assistant, was '" + role + "'");
        }
    }

    public static StoredTurn user(String messageId, String text, Instant timestamp) {
        return new StoredTurn(USER, text, messageId, null, timestamp);
    }

    public static StoredTurn assistant(String messageId, String text, String finishReason, Instant timestamp) {
        return new StoredTurn(ASSISTANT, text, messageId, Objects.requireNonNull(finishReason, "finish_reason"), timestamp);
    }

    /** Identifies this turn within its session: one per message and role. */
    public String key() {
        return messageId + ":" + role;
    }

    /**
     * The {@code Nats-Msg-Id} of this turn of {@code sessionId}: a redelivered request writes each of its turns
     * once. JetStream de-duplicates across the whole stream, so the session is part of it.
     */
    public String msgId(String sessionId) {
        return sessionId + ":" + key();
    }

    /** This turn as a provider's context sees it. */
    public ConversationTurn toContext() {
        return new ConversationTurn(role, text);
    }
}
