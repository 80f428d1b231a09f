package dev.chatstream.pod.config;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;
import dev.chatstream.config.NatsSettings;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.wire.BusyPolicy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * The whole, validated, immutable configuration of a backend pod, read once from environment variables.
 * Each component receives only its section. Every invalid value is a {@link ConfigException} naming the
 * variable. {@code BUSY_POLICY} ({@code queue}, {@code interrupt}, {@code reject}; default {@code queue}) is what
 * happens to a message that arrives while an earlier one of its session is queued or streaming.
 */
public record PodConfig(String podId, HttpSettings http, SseSettings sse, RegistrySettings registry,
                        NatsSection nats, Duration drainTimeout, String defaultAiProvider, AuthSettings auth,
                        FairUseSettings fairUse, BusyPolicy busyPolicy) {

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_AI_PROVIDER = "demo";

    /** Reads and validates every variable; throws {@link ConfigException} on the first bad one. */
    public static PodConfig fromEnv(Env env) {
        NatsSettings connection = NatsSettings.fromEnv(env);
        String podId = env.token("POD_ID", defaultPodId(env));
        SseSettings sse = new SseSettings(
                env.integer("MAX_CONNECTIONS", SseSettings.DEFAULT_MAX_CONNECTIONS, 1, 10_000_000),
                env.duration("SSE_KEEPALIVE", SseSettings.DEFAULT_KEEPALIVE, Duration.ofMillis(100), Duration.ofMinutes(10)),
                env.duration("SSE_RETRY", SseSettings.DEFAULT_RETRY, Duration.ZERO, Duration.ofMinutes(10)),
                env.integer("SSE_WRITE_BUFFER_BYTES", SseSettings.DEFAULT_WRITE_BUFFER_BYTES, 1024, 64 * 1024 * 1024),
                env.duration("SSE_REPLAY_TIMEOUT", SseSettings.DEFAULT_REPLAY_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)));
        HttpSettings http = http(env, sse);
        RegistrySettings registry = registry(env);
        NatsSection nats = new NatsSection(connection, StreamSettings.fromEnv(env),
                env.duration("HEARTBEAT_INTERVAL", NatsSection.DEFAULT_HEARTBEAT_INTERVAL, Duration.ofMillis(100), Duration.ofMinutes(5)),
                env.duration("NATS_PUBLISH_TIMEOUT", NatsSection.DEFAULT_PUBLISH_TIMEOUT, Duration.ofMillis(50), Duration.ofMinutes(1)),
                env.duration("CANCEL_TIMEOUT", NatsSection.DEFAULT_CANCEL_TIMEOUT, Duration.ofMillis(50), Duration.ofMinutes(1)));
        Duration drain = env.duration("DRAIN_TIMEOUT", DEFAULT_DRAIN_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10));
        String provider = env.string("DEFAULT_AI_PROVIDER", DEFAULT_AI_PROVIDER).toLowerCase(Locale.ROOT);
        if (!provider.matches("[a-z0-9_-]{1,64}")) {
            throw new ConfigException("DEFAULT_AI_PROVIDER", "'" + provider.replaceAll("[^\\x20-\\x7e]", "?")
                    + "' is not a provider name (letters, digits, '_' or '-')");
        }
        // Stamped on each request the pod accepts: workers follow it per request (dev.chatstream.wire.BusyPolicy).
        BusyPolicy busy = BusyPolicy.parse(env.choice("BUSY_POLICY", BusyPolicy.DEFAULT.wireName(), BusyPolicy.wireNames()))
                .orElseThrow();
        return new PodConfig(podId, http, sse, registry, nats, drain, provider, AuthSettings.fromEnv(env),
                FairUseSettings.fromEnv(env), busy);
    }

    private static HttpSettings http(Env env, SseSettings sse) {
        int port = env.port("HTTP_PORT", HttpSettings.DEFAULT_PORT, true);
        int managementPort = env.port("MANAGEMENT_PORT", HttpSettings.DEFAULT_MANAGEMENT_PORT, true);
        if (managementPort != 0 && managementPort == port) {
            throw new ConfigException("MANAGEMENT_PORT", managementPort + " is HTTP_PORT too; metrics and health need "
                    + "their own port so the public one does not serve them");
        }
        Duration idle = env.duration("HTTP_IDLE_TIMEOUT", HttpSettings.DEFAULT_IDLE_TIMEOUT, Duration.ofSeconds(1),
                Duration.ofHours(1));
        if (idle.compareTo(sse.keepAlive()) <= 0) {
            throw new ConfigException("HTTP_IDLE_TIMEOUT", idle.toMillis() + "ms must be longer than SSE_KEEPALIVE ("
                    + sse.keepAlive().toMillis() + "ms), or idle SSE streams are closed between keep-alives");
        }
        return new HttpSettings(
                env.string("HTTP_HOST", HttpSettings.DEFAULT_HOST),
                port,
                env.integer("MAX_MESSAGE_BYTES", HttpSettings.DEFAULT_MAX_MESSAGE_BYTES, 256, 1024 * 1024),
                managementPort,
                idle,
                env.duration("HTTP_HEADER_TIMEOUT", HttpSettings.DEFAULT_HEADER_TIMEOUT, Duration.ofMillis(100),
                        Duration.ofMinutes(10)),
                env.bool("HTTP2_CLEARTEXT", false),
                AllowedOrigins.parse(env.string("CORS_ALLOWED_ORIGINS", "")));
    }

    private static RegistrySettings registry(Env env) {
        boolean enabled = env.bool("REDIS_ENABLED", true);
        URI url = env.uri("REDIS_URL", Set.of("redis", "rediss"))
                .orElse(URI.create(RegistrySettings.DEFAULT_REDIS_URL));
        Duration ttl = env.duration("REGISTRY_TTL", Duration.ofMillis(dev.chatstream.registry.RegistryKeys.DEFAULT_ENTRY_TTL_MS),
                Duration.ofMillis(500), Duration.ofHours(1));
        Duration refresh = env.duration("REGISTRY_REFRESH_INTERVAL",
                Duration.ofMillis(dev.chatstream.registry.RegistryKeys.DEFAULT_REFRESH_INTERVAL_MS),
                Duration.ofMillis(100), Duration.ofHours(1));
        if (refresh.compareTo(ttl) >= 0) {
            throw new ConfigException("REGISTRY_REFRESH_INTERVAL", refresh.toMillis() + "ms must be shorter than REGISTRY_TTL ("
                    + ttl.toMillis() + "ms), or entries expire between refreshes");
        }
        return new RegistrySettings(enabled, url, ttl, refresh);
    }

    /** The host name when it is a valid subject token, else a sanitized form of it. */
    static String defaultPodId(Env env) {
        String host = env.optional("HOSTNAME").orElse(null);
        if (host == null) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "pod";
            }
        }
        String token = host.replaceAll("[^A-Za-z0-9_-]", "-");
        return token.length() > 64 ? token.substring(0, 64) : token;
    }
}
