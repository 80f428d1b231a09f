package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/** One earlier turn of the conversation: {@code role} is {@code user}, {@code assistant} or {@code system}. */
public record ConversationTurn(
        @JsonProperty(value = "role", required = true) String role,
        @JsonProperty(value = "content", required = true) String content) {

    public ConversationTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
            throw new IllegalArgumentException("role: must be user, assistant or system, was '" + role + "'");
        }
    }
}
