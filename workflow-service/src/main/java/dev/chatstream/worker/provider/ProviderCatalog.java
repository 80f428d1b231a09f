package dev.chatstream.worker.provider;

import dev.chatstream.worker.config.ProviderSettings;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The providers this worker can use, chosen per request by {@code context.ai_provider}. {@code demo}
 * is always there; {@code openai} when {@code AI_PROVIDER=openai} or {@code OPENAI_API_KEY} is set;
 * {@code anthropic} when {@code ANTHROPIC_API_KEY} is set. A request naming {@code default} (or
 * nothing known) gets {@code AI_PROVIDER}'s provider only when it names {@code default}; any other
 * unknown name yields {@code provider_not_configured}. Real providers sit behind circuit breakers.
 */
public final class ProviderCatalog {
    /** What a request names to get this worker's {@code AI_PROVIDER}. */
    public static final String DEFAULT = "default";

    private final Map<String, AiProvider> providers;
    private final String defaultName;

    private ProviderCatalog(Map<String, AiProvider> providers, String defaultName) {
        this.providers = Map.copyOf(providers);
        this.defaultName = defaultName;
    }

    public static ProviderCatalog create(Vertx vertx, ProviderSettings settings) {
        Map<String, AiProvider> providers = new LinkedHashMap<>();
        providers.put(ProviderSettings.DEMO, new DemoProvider(vertx, settings.demoTokenDelay()));
        boolean openAi = settings.defaultProvider().equals(ProviderSettings.OPENAI) || settings.openAiApiKey().isPresent();
        boolean anthropic = settings.anthropicApiKey().isPresent();
        if (openAi || anthropic) {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()))
                            .setTcpNoDelay(true)
                            .setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(256));
            if (openAi) {
                providers.put(ProviderSettings.OPENAI, guard(vertx, settings, new OpenAiProvider(vertx, client,
                        settings.openAiBaseUrl(), settings.openAiApiKey(), settings.openAiModel(), settings.timeout())));
            }
            if (anthropic) {
                providers.put(ProviderSettings.ANTHROPIC, guard(vertx, settings, new AnthropicProvider(vertx, client,
                        settings.anthropicBaseUrl(), settings.anthropicApiKey().orElseThrow(), settings.anthropicModel(),
                        settings.timeout())));
            }
        }
        return new ProviderCatalog(providers, settings.defaultProvider());
    }

    /** A catalog of exactly these providers (e.g. a test's own), the first being the default. */
    public static ProviderCatalog of(AiProvider first, AiProvider... more) {
        Map<String, AiProvider> providers = new LinkedHashMap<>();
        providers.put(first.name(), first);
        for (AiProvider provider : more) {
            providers.put(provider.name(), provider);
        }
        return new ProviderCatalog(providers, first.name());
    }

    static AiProvider guard(Vertx vertx, ProviderSettings settings, AiProvider provider) {
        CircuitBreaker breaker = CircuitBreaker.create("provider-" + provider.name(), vertx, new CircuitBreakerOptions()
                .setMaxFailures(settings.breakerMaxFailures())
                .setResetTimeout(settings.breakerReset().toMillis())
                .setTimeout(-1) // streams are bounded by the provider's own idle timeout
                .setNotificationAddress(null));
        return new GuardedProvider(provider, breaker, vertx);
    }

    /** The provider for a request's {@code ai_provider}, or empty when this worker has none by that name. */
    public Optional<AiProvider> find(String requested) {
        String name = requested == null || requested.isBlank() || requested.equalsIgnoreCase(DEFAULT)
                ? defaultName : requested.toLowerCase(java.util.Locale.ROOT);
        return Optional.ofNullable(providers.get(name));
    }

    public String defaultName() {
        return defaultName;
    }
}
