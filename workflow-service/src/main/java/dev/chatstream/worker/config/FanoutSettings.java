package dev.chatstream.worker.config;

import dev.chatstream.config.Env;

import java.time.Duration;

/**
 * How chunks are coalesced and recorded (history, then live). {@code HISTORY_FLUSH_INTERVAL}
 * (default 0: write at once when no write of the message is in flight; above zero, wait that long to
 * group more) and {@code HISTORY_FLUSH_BYTES} (default 32 KiB) bound a history batch;
 * {@code HISTORY_PUBLISH_ATTEMPTS} (default 10, backoff from {@code HISTORY_RETRY_BACKOFF} 100 ms
 * doubling up to 2 s: about 11 s, longer than a JetStream leader election) bounds retries of a failed
 * history write;
 * {@code HISTORY_MAX_IN_FLIGHT} (default 64) bounds history publishes awaiting their JetStream ack
 * across all answers: past it, history batches wait and grow.
 */
public record FanoutSettings(
        Duration historyFlushInterval,
        int historyFlushBytes,
        int historyPublishAttempts,
        Duration historyRetryBackoff,
        int historyMaxInFlight) {

    public static final Duration DEFAULT_HISTORY_FLUSH_INTERVAL = Duration.ZERO;
    public static final int DEFAULT_HISTORY_FLUSH_BYTES = 32 * 1024;
    public static final int DEFAULT_HISTORY_PUBLISH_ATTEMPTS = 10;
    public static final Duration DEFAULT_HISTORY_RETRY_BACKOFF = Duration.ofMillis(100);
    public static final int DEFAULT_HISTORY_MAX_IN_FLIGHT = 64;

    public static FanoutSettings fromEnv(Env env) {
        return new FanoutSettings(
                env.duration("HISTORY_FLUSH_INTERVAL", DEFAULT_HISTORY_FLUSH_INTERVAL, Duration.ZERO, Duration.ofSeconds(1)),
                env.integer("HISTORY_FLUSH_BYTES", DEFAULT_HISTORY_FLUSH_BYTES, 256, 512 * 1024),
                env.integer("HISTORY_PUBLISH_ATTEMPTS", DEFAULT_HISTORY_PUBLISH_ATTEMPTS, 1, 20),
                env.duration("HISTORY_RETRY_BACKOFF", DEFAULT_HISTORY_RETRY_BACKOFF, Duration.ofMillis(1), Duration.ofSeconds(10)),
                env.integer("HISTORY_MAX_IN_FLIGHT", DEFAULT_HISTORY_MAX_IN_FLIGHT, 1, 100_000));
    }
}
