package dev.chatstream.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * How to answer a {@link WorkflowRequest}: which provider and model, and the sampling settings.
 * Absent settings ({@code null}) mean "the provider's default"; {@code max_tokens} absent means 64 for
 * the demo provider.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowContext(
        @JsonProperty(value = "ai_provider", required = true) String aiProvider,
        @JsonProperty("model") String model,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("system_prompt") String systemPrompt,
        @JsonProperty("conversation_history") List<ConversationTurn> conversationHistory) {

    /** The largest {@code max_tokens} accepted. */
    public static final int MAX_TOKENS_LIMIT = 100_000;

    public WorkflowContext {
        Objects.requireNonNull(aiProvider, "ai_provider");
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature: must be between 0 and 2, was " + temperature);
        }
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT)) {
            throw new IllegalArgumentException(
                    "max_tokens: must be between 1 and " + MAX_TOKENS_LIMIT + ", was " + maxTokens);
        }
        conversationHistory = conversationHistory == null ? List.of() : List.copyOf(conversationHistory);
    }

    /** A context naming only the provider. */
    public static WorkflowContext of(String aiProvider) {
        return new WorkflowContext(aiProvider, null, null, null, null, List.of());
    }
}
