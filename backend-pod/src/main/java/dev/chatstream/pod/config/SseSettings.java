package dev.chatstream.pod.config;

import java.time.Duration;

/**
 * SSE streams: {@code MAX_CONNECTIONS} per pod, {@code SSE_KEEPALIVE} (comment line when idle),
 * {@code SSE_RETRY} (reconnect hint in ms sent to browsers), {@code SSE_WRITE_BUFFER_BYTES} (bytes a
 * connection may have queued before it counts as a slow client and is disconnected) and
 * {@code SSE_REPLAY_TIMEOUT} (bound on a history replay on resume).
 */
public record SseSettings(int maxConnections, Duration keepAlive, Duration retry, int writeBufferBytes,
                          Duration replayTimeout) {
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RETRY = Duration.ofSeconds(1);
    public static final int DEFAULT_WRITE_BUFFER_BYTES = 128 * 1024;
    public static final Duration DEFAULT_REPLAY_TIMEOUT = Duration.ofSeconds(5);
}
