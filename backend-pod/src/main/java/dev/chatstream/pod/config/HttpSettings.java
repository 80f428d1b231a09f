package dev.chatstream.pod.config;

/**
 * The HTTP listener: {@code HTTP_HOST} (default {@code 0.0.0.0}), {@code HTTP_PORT} (default 8080, 0 = any
 * free port) and {@code MAX_MESSAGE_BYTES}, the largest accepted POST body (default 32 KiB).
 */
public record HttpSettings(String host, int port, int maxMessageBytes) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024;
}
