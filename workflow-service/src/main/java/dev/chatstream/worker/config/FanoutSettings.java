package dev.chatstream.worker.config;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;
import dev.chatstream.wire.HistoryRetryPolicy;

import java.time.Duration;

/**
 * How chunks are coalesced and recorded (live at once, history per window). {@code HISTORY_FLUSH_INTERVAL}
 * (default 100 ms: how long a chunk waits at most, with the message's next ones, for its history write; 0: write
 * at once when no write of the message is in flight) and {@code HISTORY_FLUSH_BYTES} (default 32 KiB) bound a
 * history batch;
 * {@code HISTORY_PUBLISH_ATTEMPTS}, {@code HISTORY_ATTEMPT_TIMEOUT} and {@code HISTORY_RETRY_BACKOFF}
 * (defaults from {@link HistoryRetryPolicy#STANDARD}: the time 10 tries of 2 s would take, backoff 100 ms
 * doubling to 1 s, ~30 s) bound retries of a failed history write; they may only shorten that budget, since
 * pods wait for it; {@code HISTORY_MAX_IN_FLIGHT} (default 64) bounds history publishes awaiting their
 * JetStream ack across all answers: past it, history batches wait and grow. {@code LIVE_FRAME_TICK} (default
 * 1 ms; 0: one message per batch) is how often, at most, a worker context sends one pod a frame of live batches
 * while batches keep coming; after a quiet tick a batch leaves at once.
 */
public record FanoutSettings(
        Duration historyFlushInterval,
        int historyFlushBytes,
        HistoryRetryPolicy historyRetry,
        int historyMaxInFlight,
        Duration liveFrameTick) {

    public static final Duration DEFAULT_HISTORY_FLUSH_INTERVAL = Duration.ofMillis(100);
    public static final int DEFAULT_HISTORY_FLUSH_BYTES = 32 * 1024;
    public static final int DEFAULT_HISTORY_MAX_IN_FLIGHT = 64;
    public static final Duration DEFAULT_LIVE_FRAME_TICK = Duration.ofMillis(1);

    public static FanoutSettings fromEnv(Env env) {
        HistoryRetryPolicy standard = HistoryRetryPolicy.STANDARD;
        int attempts = env.integer("HISTORY_PUBLISH_ATTEMPTS", standard.attempts(), 1, 20);
        Duration timeout = env.duration("HISTORY_ATTEMPT_TIMEOUT", standard.attemptTimeout(), Duration.ofMillis(50),
                Duration.ofSeconds(30));
        Duration backoff = env.duration("HISTORY_RETRY_BACKOFF", standard.firstBackoff(), Duration.ofMillis(1),
                Duration.ofSeconds(10));
        HistoryRetryPolicy retry;
        try {
            retry = new HistoryRetryPolicy(attempts, timeout, backoff, standard.maxBackoff().compareTo(backoff) < 0
                    ? backoff : standard.maxBackoff()).requireWithinStandard();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("HISTORY_PUBLISH_ATTEMPTS", e.getMessage()
                    + " (with HISTORY_ATTEMPT_TIMEOUT and HISTORY_RETRY_BACKOFF)");
        }
        return new FanoutSettings(
                env.duration("HISTORY_FLUSH_INTERVAL", DEFAULT_HISTORY_FLUSH_INTERVAL, Duration.ZERO, Duration.ofSeconds(1)),
                env.integer("HISTORY_FLUSH_BYTES", DEFAULT_HISTORY_FLUSH_BYTES, 256, 512 * 1024),
                retry,
                env.integer("HISTORY_MAX_IN_FLIGHT", DEFAULT_HISTORY_MAX_IN_FLIGHT, 1, 100_000),
                env.duration("LIVE_FRAME_TICK", DEFAULT_LIVE_FRAME_TICK, Duration.ZERO, Duration.ofMillis(50)));
    }
}
