package dev.chatstream.pod.config;

import java.net.URI;
import java.time.Duration;

/**
 * The Redis session registry: {@code REDIS_ENABLED} (default true; false = workers fall back to
 * broadcast), {@code REDIS_URL}, {@code REGISTRY_TTL} (entry expiry) and {@code REGISTRY_REFRESH_INTERVAL},
 * which must be shorter than the TTL.
 */
public record RegistrySettings(boolean enabled, URI redisUrl, Duration ttl, Duration refreshInterval) {
    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
}
