package dev.chatstream.worker.config;

import dev.chatstream.config.AnswerLimits;
import dev.chatstream.config.Env;

import java.time.Duration;

/**
 * How this worker instance takes requests: {@code WORKER_ID} (default: host name + pid, as a subject
 * token), {@code WORKER_CONCURRENCY} (the operator's ceiling on answers streaming at once, default
 * 10,000: answers are I/O-bound and cost memory, not a thread, see docs/benchmarks.md), {@code FETCH_MAX_WAIT}
 * (lifetime of each pull request, 20 ms; the next pull is sent when it ends, see workflow-service/README.md
 * "Pulling requests"), {@code RETRY_NAK_DELAY} (how long a failed request waits before it is
 * redelivered, 2 s), {@code SHUTDOWN_TIMEOUT} (how long in-flight answers may finish on SIGTERM, 20 s),
 * {@code ANSWERED_TTL} (how long a message stays marked answered, so a re-published
 * {@code Idempotency-Key} is not answered again, 24 h) and {@code ANSWER_MAX_DURATION} ({@link AnswerLimits}).
 */
public record ConsumerSettings(
        String workerId,
        int concurrency,
        Duration fetchMaxWait,
        Duration retryNakDelay,
        Duration shutdownTimeout,
        Duration answeredTtl,
        AnswerLimits answerLimits) {

    public static final int DEFAULT_CONCURRENCY = 10_000;
    public static final Duration DEFAULT_ANSWERED_TTL = Duration.ofHours(24);
    public static final Duration DEFAULT_FETCH_MAX_WAIT = Duration.ofMillis(20);
    public static final Duration DEFAULT_RETRY_NAK_DELAY = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

    public static ConsumerSettings fromEnv(Env env) {
        return new ConsumerSettings(
                env.token("WORKER_ID", defaultWorkerId()),
                env.integer("WORKER_CONCURRENCY", DEFAULT_CONCURRENCY, 1, 100_000),
                env.duration("FETCH_MAX_WAIT", DEFAULT_FETCH_MAX_WAIT, Duration.ofMillis(10), Duration.ofSeconds(30)),
                env.duration("RETRY_NAK_DELAY", DEFAULT_RETRY_NAK_DELAY, Duration.ZERO, Duration.ofHours(1)),
                env.duration("SHUTDOWN_TIMEOUT", DEFAULT_SHUTDOWN_TIMEOUT, Duration.ZERO, Duration.ofHours(1)),
                env.duration("ANSWERED_TTL", DEFAULT_ANSWERED_TTL, Duration.ofSeconds(1), Duration.ofDays(365)),
                AnswerLimits.fromEnv(env));
    }

    /** The host name (cut to a valid token) and the pid: unique per process on a node. */
    static String defaultWorkerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "worker";
        }
        String cleaned = host.replaceAll("[^A-Za-z0-9_-]", "-");
        String pid = Long.toString(ProcessHandle.current().pid());
        int room = 64 - pid.length() - 1;
        if (cleaned.length() > room) {
            cleaned = cleaned.substring(0, room);
        }
        return (cleaned.isEmpty() ? "worker" : cleaned) + "-" + pid;
    }
}
