package dev.chatstream.worker.config;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;
import dev.chatstream.schemas.WorkflowContext;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the server, not the client, decides about a provider call. {@code DEMO_MODELS},
 * {@code OPENAI_MODELS}, {@code ANTHROPIC_MODELS}: comma-separated allow-lists of models per provider
 * (default: the provider's configured model only — {@code demo}, {@code OPENAI_MODEL},
 * {@code ANTHROPIC_MODEL}, which is always allowed; {@code *} allows any model);
 * {@code MAX_TOKENS_CEILING} (4096: larger {@code max_tokens} are clamped to it);
 * {@code MAX_HISTORY_TURNS} (20: the most recent stored turns of the session sent as context); {@code MAX_SYSTEM_PROMPT_CHARS}
 * (4000: a client's {@code system_prompt} is cut there; 0 drops it); {@code SYSTEM_PROMPT} (unset; when
 * set it replaces any client {@code system_prompt}).
 */
public record PolicySettings(
        Map<String, ModelAllowList> models,
        int maxTokensCeiling,
        int maxHistoryTurns,
        int maxSystemPromptChars,
        Optional<String> systemPrompt) {

    public static final String DEMO_MODEL = "demo";
    public static final int DEFAULT_MAX_TOKENS_CEILING = 4096;
    public static final int DEFAULT_MAX_HISTORY_TURNS = 20;
    public static final int DEFAULT_MAX_SYSTEM_PROMPT_CHARS = 4000;

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9._:/@+-]{1,200}");

    public PolicySettings {
        models = Map.copyOf(models);
        Objects.requireNonNull(systemPrompt, "systemPrompt");
    }

    /** The models a provider accepts. */
    public record ModelAllowList(String defaultModel, Set<String> models, boolean any) {
        public ModelAllowList {
            Objects.requireNonNull(defaultModel, "defaultModel");
            models = Set.copyOf(models);
        }

        public boolean allows(String model) {
            return any || model.equals(defaultModel) || models.contains(model);
        }
    }

    /** The allow-list of {@code provider}; a provider without one accepts only what it is configured with. */
    public ModelAllowList modelsOf(String provider) {
        ModelAllowList list = models.get(provider);
        if (list == null) {
            throw new IllegalArgumentException("no model allow-list for provider " + provider);
        }
        return list;
    }

    public static PolicySettings fromEnv(Env env, ProviderSettings providers) {
        return new PolicySettings(
                Map.of(ProviderSettings.DEMO, allowList("DEMO_MODELS", env.optional("DEMO_MODELS"), DEMO_MODEL),
                        ProviderSettings.OPENAI, allowList("OPENAI_MODELS", env.optional("OPENAI_MODELS"), providers.openAiModel()),
                        ProviderSettings.ANTHROPIC, allowList("ANTHROPIC_MODELS", env.optional("ANTHROPIC_MODELS"), providers.anthropicModel())),
                env.integer("MAX_TOKENS_CEILING", DEFAULT_MAX_TOKENS_CEILING, 1, WorkflowContext.MAX_TOKENS_LIMIT),
                env.integer("MAX_HISTORY_TURNS", DEFAULT_MAX_HISTORY_TURNS, 0, 1000),
                env.integer("MAX_SYSTEM_PROMPT_CHARS", DEFAULT_MAX_SYSTEM_PROMPT_CHARS, 0, 1_000_000),
                env.optional("SYSTEM_PROMPT"));
    }

    private static ModelAllowList allowList(String name, Optional<String> raw, String defaultModel) {
        if (raw.isEmpty()) {
            return new ModelAllowList(defaultModel, Set.of(), false);
        }
        Set<String> models = new LinkedHashSet<>();
        boolean any = false;
        for (String entry : Arrays.stream(raw.get().split(",")).map(String::trim).toList()) {
            if (entry.equals("*")) {
                any = true;
            } else if (MODEL_NAME.matcher(entry).matches()) {
                models.add(entry);
            } else {
                throw new ConfigException(name, "'" + entry + "' is not a model name; use a comma-separated list of "
                        + "names of [A-Za-z0-9._:/@+-], or *");
            }
        }
        return new ModelAllowList(defaultModel, models, any);
    }
}
