package dev.chatstream.pod.config;

import java.time.Duration;
import java.util.List;

/**
 * The HTTP listeners: {@code HTTP_HOST} (default {@code 0.0.0.0}, both ports), {@code HTTP_PORT} (default 8080,
 * 0 = any free port), {@code MAX_MESSAGE_BYTES} (the largest accepted POST body, default 32 KiB),
 * {@code MANAGEMENT_PORT} (metrics and health, default 9090, 0 = any free port), {@code HTTP_IDLE_TIMEOUT}
 * (a connection that neither reads nor writes that long is closed), {@code HTTP_HEADER_TIMEOUT} (a connection
 * that has not delivered a complete request head that long after it opened or after its last response is
 * closed), {@code HTTP2_CLEARTEXT} (accept h2c) and {@code CORS_ALLOWED_ORIGINS} (exact origins allowed to call
 * the API from another origin; empty = same origin only).
 */
public record HttpSettings(String host, int port, int maxMessageBytes, int managementPort, Duration idleTimeout,
                           Duration headerTimeout, boolean http2ClearText, List<String> corsAllowedOrigins) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024;
    public static final int DEFAULT_MANAGEMENT_PORT = 9090;
    /**
     * Well above {@link SseSettings#DEFAULT_KEEPALIVE} (an idle SSE stream writes a keep-alive before this), and
     * above the 60 s nginx and ingress-nginx keep an idle upstream connection: the proxy closes first and never
     * reuses a connection the pod is closing.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

    public HttpSettings {
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
    }

    /** A listener with every edge setting at its default. */
    public HttpSettings(String host, int port, int maxMessageBytes) {
        this(host, port, maxMessageBytes, DEFAULT_MANAGEMENT_PORT, DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT, false,
                List.of());
    }
}
