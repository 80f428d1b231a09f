package dev.chatstream.pod.config;

import dev.chatstream.config.NatsSettings;
import dev.chatstream.streams.StreamSettings;

import java.time.Duration;

/**
 * Everything NATS: the connection ({@link NatsSettings}), the streams the pod provisions and replays
 * ({@link StreamSettings}), {@code HEARTBEAT_INTERVAL}, {@code NATS_PUBLISH_TIMEOUT} (how long a POST
 * waits for the JetStream ack) and {@code CANCEL_TIMEOUT} (how long a cancel waits for a worker).
 */
public record NatsSection(NatsSettings connection, StreamSettings streams, Duration heartbeatInterval,
                          Duration publishTimeout, Duration cancelTimeout) {
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CANCEL_TIMEOUT = Duration.ofSeconds(2);
}
