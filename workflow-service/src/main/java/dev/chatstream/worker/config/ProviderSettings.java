package dev.chatstream.worker.config;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Which AI provider answers by default and how to reach the real ones. Read from {@code AI_PROVIDER},
 * {@code DEMO_TOKEN_DELAY_MS}, {@code OPENAI_*}, {@code ANTHROPIC_*}, {@code PROVIDER_TIMEOUT} and the
 * provider circuit breaker's {@code PROVIDER_BREAKER_MAX_FAILURES} / {@code PROVIDER_BREAKER_RESET}.
 */
public record ProviderSettings(
        String defaultProvider,
        Duration demoTokenDelay,
        URI openAiBaseUrl,
        Optional<String> openAiApiKey,
        String openAiModel,
        URI anthropicBaseUrl,
        Optional<String> anthropicApiKey,
        String anthropicModel,
        Duration timeout,
        int breakerMaxFailures,
        Duration breakerReset) {

    public static final String DEMO = "demo";
    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";
    public static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_OPENAI_MODEL = "gpt-4o-mini";
    public static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
    public static final String DEFAULT_ANTHROPIC_MODEL = "claude-3-5-haiku-latest";
    public static final int DEFAULT_DEMO_TOKEN_DELAY_MS = 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_BREAKER_MAX_FAILURES = 5;
    public static final Duration DEFAULT_BREAKER_RESET = Duration.ofSeconds(10);

    private static final Set<String> HTTP = Set.of("http", "https");

    public static ProviderSettings fromEnv(Env env) {
        String provider = env.choice("AI_PROVIDER", DEMO, Set.of(DEMO, OPENAI, ANTHROPIC));
        Optional<String> openAiKey = env.optional("OPENAI_API_KEY");
        Optional<String> anthropicKey = env.optional("ANTHROPIC_API_KEY");
        if (provider.equals(ANTHROPIC) && anthropicKey.isEmpty()) {
            throw new ConfigException("ANTHROPIC_API_KEY", "must be set when AI_PROVIDER is anthropic");
        }
        return new ProviderSettings(
                provider,
                Duration.ofMillis(env.integer("DEMO_TOKEN_DELAY_MS", DEFAULT_DEMO_TOKEN_DELAY_MS, 0, 60_000)),
                stripSlash(env.uri("OPENAI_BASE_URL", HTTP).orElse(URI.create(DEFAULT_OPENAI_BASE_URL))),
                openAiKey,
                env.string("OPENAI_MODEL", DEFAULT_OPENAI_MODEL),
                stripSlash(env.uri("ANTHROPIC_BASE_URL", HTTP).orElse(URI.create(DEFAULT_ANTHROPIC_BASE_URL))),
                anthropicKey,
                env.string("ANTHROPIC_MODEL", DEFAULT_ANTHROPIC_MODEL),
                env.duration("PROVIDER_TIMEOUT", DEFAULT_TIMEOUT, Duration.ofMillis(10), Duration.ofMinutes(30)),
                env.integer("PROVIDER_BREAKER_MAX_FAILURES", DEFAULT_BREAKER_MAX_FAILURES, 1, 1000),
                env.duration("PROVIDER_BREAKER_RESET", DEFAULT_BREAKER_RESET, Duration.ofMillis(10), Duration.ofHours(1)));
    }

    private static URI stripSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
