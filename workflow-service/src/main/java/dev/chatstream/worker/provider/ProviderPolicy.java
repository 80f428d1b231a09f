package dev.chatstream.worker.provider;

import dev.chatstream.schemas.ConversationTurn;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.worker.config.PolicySettings;
import dev.chatstream.worker.config.ProviderSettings;

import java.util.List;

/**
 * The server's rules for a provider call, applied to a request's {@link WorkflowContext} before the
 * provider sees it ({@link PolicySettings} lists the settings). A model outside the provider's
 * allow-list is refused with {@code model_not_allowed}; everything else is bounded rather than
 * refused, so a client asking for too much still gets an answer:
 * <ul>
 *   <li>no model: the provider's configured one, written into the context;</li>
 *   <li>{@code max_tokens} above {@code MAX_TOKENS_CEILING} is clamped to it; absent, it is the
 *       provider's own default (demo 64, anthropic 1024) or, for openai, the ceiling;</li>
 *   <li>{@code conversation_history}: the client's is not trusted and never reaches the provider; it is
 *       the session's own turns from the server's conversation store ({@code CHAT_CONVERSATIONS}), the
 *       last {@code MAX_HISTORY_TURNS} of them;</li>
 *   <li>{@code system_prompt}: {@code SYSTEM_PROMPT} when set, replacing the client's; otherwise the
 *       client's cut to {@code MAX_SYSTEM_PROMPT_CHARS} (0: none).</li>
 * </ul>
 */
public final class ProviderPolicy {

    /** What the policy made of a request. */
    public sealed interface Decision permits Allowed, Refused {
    }

    /** Call the provider with this request (its context bounded). */
    public record Allowed(WorkflowRequest request) implements Decision {
    }

    /** Do not call the provider; end the answer with this failure. */
    public record Refused(ProviderFailure failure) implements Decision {
    }

    private final PolicySettings settings;

    public ProviderPolicy(PolicySettings settings) {
        this.settings = settings;
    }

    /** How many earlier turns a provider call may carry ({@code MAX_HISTORY_TURNS}). */
    public int maxHistoryTurns() {
        return settings.maxHistoryTurns();
    }

    /**
     * Applies the rules for {@code provider} (its name as configured, e.g. {@code openai}) to {@code request};
     * {@code stored} is the session's earlier turns as the server keeps them, which replace the client's.
     */
    public Decision apply(String provider, WorkflowRequest request, List<ConversationTurn> stored) {
        WorkflowContext context = request.context();
        PolicySettings.ModelAllowList models = settings.modelsOf(provider);
        String model = context.model() == null || context.model().isBlank() ? models.defaultModel() : context.model();
        if (!models.allows(model)) {
            return new Refused(new ProviderFailure(ProviderFailure.MODEL_NOT_ALLOWED,
                    "model '" + model + "' is not allowed for provider " + provider));
        }
        WorkflowContext bounded = new WorkflowContext(context.aiProvider(), model, context.temperature(),
                maxTokens(provider, context.maxTokens()), systemPrompt(context.systemPrompt()),
                history(stored));
        return new Allowed(new WorkflowRequest(request.messageId(), request.sessionId(), request.userId(),
                request.message(), bounded, request.timestamp(), request.correlationId(), request.schemaVersion()));
    }

    private int maxTokens(String provider, Integer requested) {
        int wanted = requested != null ? requested : switch (provider) {
            case ProviderSettings.DEMO -> DemoProvider.DEFAULT_MAX_TOKENS;
            case ProviderSettings.ANTHROPIC -> AnthropicProvider.DEFAULT_MAX_TOKENS;
            default -> settings.maxTokensCeiling();
        };
        return Math.min(wanted, settings.maxTokensCeiling());
    }

    private String systemPrompt(String requested) {
        if (settings.systemPrompt().isPresent()) {
            return settings.systemPrompt().get();
        }
        int limit = settings.maxSystemPromptChars();
        if (requested == null || requested.isEmpty() || limit == 0) {
            return null;
        }
        if (requested.length() <= limit) {
            return requested;
        }
        // Do not cut a surrogate pair in half.
        int end = Character.isHighSurrogate(requested.charAt(limit - 1)) ? limit - 1 : limit;
        return requested.substring(0, end);
    }

    private List<ConversationTurn> history(List<ConversationTurn> stored) {
        List<ConversationTurn> turns = stored.stream().filter(t -> !t.role().equals("system")).toList();
        return turns.subList(Math.max(0, turns.size() - settings.maxHistoryTurns()), turns.size());
    }
}
