package dev.chatstream.worker.config;

import dev.chatstream.config.Env;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Where the session registry lives and how the worker reads it: {@code REDIS_URL} (default
 * {@code redis://127.0.0.1:6379}), {@code REDIS_ENABLED} (false: always broadcast),
 * {@code REGISTRY_REREAD_INTERVAL} (1 s), {@code REGISTRY_LOOKUP_TIMEOUT} (1 s),
 * {@code REGISTRY_BREAKER_MAX_FAILURES} (5), {@code REGISTRY_BREAKER_RESET} (2 s) and
 * {@code HEARTBEAT_STALE_AFTER} (6 s: three missed 2 s pod heartbeats). The breaker is for a registry that is down,
 * not for a slow answer: Redis answers in well under a millisecond, but a worker short of CPU runs its event loop
 * hundreds of milliseconds late, and with 250 ms and 3 failures the breaker opened under load and sent every answer
 * to every pod by broadcast, doubling the pods' work when they had least to spare (docs/benchmarks.md §7).
 */
public record RegistrySettings(
        boolean redisEnabled,
        URI redisUrl,
        Duration rereadInterval,
        Duration lookupTimeout,
        int breakerMaxFailures,
        Duration breakerReset,
        Duration heartbeatStaleAfter) {

    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    public static final Duration DEFAULT_REREAD_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_LOOKUP_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_BREAKER_MAX_FAILURES = 5;
    public static final Duration DEFAULT_BREAKER_RESET = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HEARTBEAT_STALE_AFTER = Duration.ofSeconds(6);

    public static RegistrySettings fromEnv(Env env) {
        return new RegistrySettings(
                env.bool("REDIS_ENABLED", true),
                env.uri("REDIS_URL", Set.of("redis", "rediss")).orElse(URI.create(DEFAULT_REDIS_URL)),
                env.duration("REGISTRY_REREAD_INTERVAL", DEFAULT_REREAD_INTERVAL, Duration.ofMillis(10), Duration.ofMinutes(10)),
                env.duration("REGISTRY_LOOKUP_TIMEOUT", DEFAULT_LOOKUP_TIMEOUT, Duration.ofMillis(10), Duration.ofSeconds(30)),
                env.integer("REGISTRY_BREAKER_MAX_FAILURES", DEFAULT_BREAKER_MAX_FAILURES, 1, 1000),
                env.duration("REGISTRY_BREAKER_RESET", DEFAULT_BREAKER_RESET, Duration.ofMillis(10), Duration.ofMinutes(10)),
                env.duration("HEARTBEAT_STALE_AFTER", DEFAULT_HEARTBEAT_STALE_AFTER, Duration.ofMillis(100), Duration.ofHours(1)));
    }
}
