package dev.chatstream.streams;

import dev.chatstream.config.Env;

import java.time.Duration;
import java.util.Set;

/**
 * Replicas and limits of the JetStream streams and of the {@code workflow-workers} consumer.
 * Read from {@code STREAM_REPLICAS}, {@code STREAM_STORAGE}, {@code HISTORY_MAX_AGE},
 * {@code HISTORY_MAX_MSGS_PER_SUBJECT}, {@code HISTORY_MAX_BYTES}, {@code REQUESTS_MAX_AGE},
 * {@code REQUESTS_DUPLICATE_WINDOW}, {@code DLQ_MAX_AGE}, {@code WORKER_ACK_WAIT},
 * {@code WORKER_MAX_DELIVER}, {@code WORKER_MAX_ACK_PENDING}, {@code REQUESTS_MAX_MSGS} and
 * {@code REQUESTS_MAX_BYTES_MB} (the work queue's bound: past it a publish is refused, never dropped
 * silently), {@code IDEMPOTENCY_TTL} (how long the pods remember an {@code Idempotency-Key}),
 * {@code CONVERSATION_MAX_AGE} and {@code CONVERSATION_MAX_TURNS} (how long, and how many turns per session,
 * {@code CHAT_CONVERSATIONS} keeps).
 */
public record StreamSettings(
        int replicas,
        boolean memoryStorage,
        Duration historyMaxAge,
        long historyMaxMsgsPerSubject,
        long historyMaxBytes,
        Duration requestsMaxAge,
        Duration duplicateWindow,
        Duration dlqMaxAge,
        Duration ackWait,
        int maxDeliver,
        int maxAckPending,
        long requestsMaxMsgs,
        long requestsMaxBytes,
        Duration idempotencyTtl,
        Duration conversationMaxAge,
        long conversationMaxTurns) {

    public static final int DEFAULT_REPLICAS = 1;
    public static final Duration DEFAULT_HISTORY_MAX_AGE = Duration.ofHours(1);
    public static final long DEFAULT_HISTORY_MAX_MSGS_PER_SUBJECT = 10_000;
    public static final long DEFAULT_HISTORY_MAX_BYTES = 1L << 30;
    public static final Duration DEFAULT_REQUESTS_MAX_AGE = Duration.ofHours(24);
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
    public static final Duration DEFAULT_DLQ_MAX_AGE = Duration.ofDays(7);
    public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_DELIVER = 5;
    public static final int DEFAULT_MAX_ACK_PENDING = 10_000;
    /** Far above a healthy backlog (workers drain thousands a second), far below what fills a disk. */
    public static final long DEFAULT_REQUESTS_MAX_MSGS = 100_000;
    public static final long DEFAULT_REQUESTS_MAX_BYTES = 256L << 20;
    public static final Duration DEFAULT_IDEMPOTENCY_TTL = Duration.ofHours(24);
    public static final Duration DEFAULT_CONVERSATION_MAX_AGE = Duration.ofDays(30);
    /** Per session; the oldest turns go first. Far above what a model's context takes ({@code MAX_HISTORY_TURNS}). */
    public static final long DEFAULT_CONVERSATION_MAX_TURNS = 1_000;

    public static StreamSettings defaults() {
        return new StreamSettings(DEFAULT_REPLICAS, false, DEFAULT_HISTORY_MAX_AGE, DEFAULT_HISTORY_MAX_MSGS_PER_SUBJECT,
                DEFAULT_HISTORY_MAX_BYTES, DEFAULT_REQUESTS_MAX_AGE, DEFAULT_DUPLICATE_WINDOW, DEFAULT_DLQ_MAX_AGE,
                DEFAULT_ACK_WAIT, DEFAULT_MAX_DELIVER, DEFAULT_MAX_ACK_PENDING, DEFAULT_REQUESTS_MAX_MSGS,
                DEFAULT_REQUESTS_MAX_BYTES, DEFAULT_IDEMPOTENCY_TTL, DEFAULT_CONVERSATION_MAX_AGE,
                DEFAULT_CONVERSATION_MAX_TURNS);
    }

    public static StreamSettings fromEnv(Env env) {
        return new StreamSettings(
                env.integer("STREAM_REPLICAS", DEFAULT_REPLICAS, 1, 5),
                env.choice("STREAM_STORAGE", "file", Set.of("file", "memory")).equals("memory"),
                env.duration("HISTORY_MAX_AGE", DEFAULT_HISTORY_MAX_AGE, Duration.ofSeconds(1), Duration.ofDays(365)),
                env.integer("HISTORY_MAX_MSGS_PER_SUBJECT", (int) DEFAULT_HISTORY_MAX_MSGS_PER_SUBJECT, 1, Integer.MAX_VALUE),
                (long) env.integer("HISTORY_MAX_BYTES_MB", (int) (DEFAULT_HISTORY_MAX_BYTES >> 20), 1, 1 << 20) << 20,
                env.duration("REQUESTS_MAX_AGE", DEFAULT_REQUESTS_MAX_AGE, Duration.ofSeconds(10), Duration.ofDays(365)),
                env.duration("REQUESTS_DUPLICATE_WINDOW", DEFAULT_DUPLICATE_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
                env.duration("DLQ_MAX_AGE", DEFAULT_DLQ_MAX_AGE, Duration.ofMinutes(1), Duration.ofDays(365)),
                env.duration("WORKER_ACK_WAIT", DEFAULT_ACK_WAIT, Duration.ofSeconds(1), Duration.ofHours(1)),
                env.integer("WORKER_MAX_DELIVER", DEFAULT_MAX_DELIVER, 1, 100),
                env.integer("WORKER_MAX_ACK_PENDING", DEFAULT_MAX_ACK_PENDING, 1, 1_000_000),
                env.integer("REQUESTS_MAX_MSGS", (int) DEFAULT_REQUESTS_MAX_MSGS, 1, Integer.MAX_VALUE),
                (long) env.integer("REQUESTS_MAX_BYTES_MB", (int) (DEFAULT_REQUESTS_MAX_BYTES >> 20), 1, 1 << 20) << 20,
                env.duration("IDEMPOTENCY_TTL", DEFAULT_IDEMPOTENCY_TTL, Duration.ofMinutes(1), Duration.ofDays(30)),
                env.duration("CONVERSATION_MAX_AGE", DEFAULT_CONVERSATION_MAX_AGE, Duration.ofMinutes(1), Duration.ofDays(3650)),
                env.integer("CONVERSATION_MAX_TURNS", (int) DEFAULT_CONVERSATION_MAX_TURNS, 2, 1_000_000));
    }

    public StreamSettings withReplicas(int newReplicas) {
        return new StreamSettings(newReplicas, memoryStorage, historyMaxAge, historyMaxMsgsPerSubject, historyMaxBytes,
                requestsMaxAge, duplicateWindow, dlqMaxAge, ackWait, maxDeliver, maxAckPending, requestsMaxMsgs,
                requestsMaxBytes, idempotencyTtl, conversationMaxAge, conversationMaxTurns);
    }

    public StreamSettings withAckWait(Duration newAckWait, int newMaxDeliver) {
        return new StreamSettings(replicas, memoryStorage, historyMaxAge, historyMaxMsgsPerSubject, historyMaxBytes,
                requestsMaxAge, duplicateWindow, dlqMaxAge, newAckWait, newMaxDeliver, maxAckPending, requestsMaxMsgs,
                requestsMaxBytes, idempotencyTtl, conversationMaxAge, conversationMaxTurns);
    }

    public StreamSettings withRequestsMaxMsgs(long maxMsgs) {
        return new StreamSettings(replicas, memoryStorage, historyMaxAge, historyMaxMsgsPerSubject, historyMaxBytes,
                requestsMaxAge, duplicateWindow, dlqMaxAge, ackWait, maxDeliver, maxAckPending, maxMsgs,
                requestsMaxBytes, idempotencyTtl, conversationMaxAge, conversationMaxTurns);
    }

    public StreamSettings withHistoryMaxMsgsPerSubject(long perSubject) {
        return new StreamSettings(replicas, memoryStorage, historyMaxAge, perSubject, historyMaxBytes,
                requestsMaxAge, duplicateWindow, dlqMaxAge, ackWait, maxDeliver, maxAckPending, requestsMaxMsgs,
                requestsMaxBytes, idempotencyTtl, conversationMaxAge, conversationMaxTurns);
    }
}
