package dev.chatstream.pod.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pod's metrics, registered once in a Prometheus registry. Names are part of the contract
 * (dashboards, load tests): {@code chat_sse_connections_active}, {@code chat_chunks_delivered_total},
 * {@code chat_chunks_dropped_total{reason}}, {@code chat_messages_accepted_total},
 * {@code chat_chunk_delivery_seconds}, {@code chat_nats_published_total{kind}},
 * {@code chat_nats_received_total{kind}}, {@code chat_registry_errors_total},
 * {@code chat_messages_rejected_total{reason}}, {@code chat_replay_batches}, {@code chat_stream_gaps_repaired_total}.
 */
public final class PodMetrics {
    /** Reasons a chunk is not written to a connection. */
    public static final String DROP_SLOW_CLIENT = "slow_client";
    public static final String DROP_DUPLICATE = "duplicate";
    public static final String DROP_NOT_LOCAL = "not_local";
    public static final String DROP_MALFORMED = "malformed";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Counter delivered;
    private final Counter accepted;
    private final Counter registryErrors;
    private final Counter gapsRepaired;
    private final Timer deliveryLatency;
    private final DistributionSummary replayedBatches;
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> published = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> received = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> limits = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> authFailures = new ConcurrentHashMap<>();

    public PodMetrics() {
        Gauge.builder("chat.sse.connections.active", activeConnections, AtomicInteger::get)
                .description("Open SSE connections on this pod").register(registry);
        delivered = Counter.builder("chat.chunks.delivered").description("Chunks written to SSE connections")
                .register(registry);
        accepted = Counter.builder("chat.messages.accepted").description("Messages acknowledged by JetStream")
                .register(registry);
        registryErrors = Counter.builder("chat.registry.errors").description("Failed Redis registry operations")
                .register(registry);
        gapsRepaired = Counter.builder("chat.stream.gaps.repaired")
                .description("Holes in a connection's stream (chunks lost on the way) filled from history").register(registry);
        deliveryLatency = Timer.builder("chat.chunk.delivery")
                .description("From the worker publishing a chunk batch to the pod writing it to a connection")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        replayedBatches = DistributionSummary.builder("chat.replay.batches")
                .description("History batches read per resume").register(registry);
        for (String reason : new String[]{DROP_SLOW_CLIENT, DROP_DUPLICATE, DROP_NOT_LOCAL, DROP_MALFORMED}) {
            droppedCounter(reason);
        }
    }

    public AtomicInteger activeConnections() {
        return activeConnections;
    }

    public void delivered(int chunks) {
        delivered.increment(chunks);
    }

    public void dropped(String reason, int chunks) {
        droppedCounter(reason).increment(chunks);
    }

    public void messageAccepted() {
        accepted.increment();
    }

    public void messageRejected(String reason) {
        rejected.computeIfAbsent(reason, r -> Counter.builder("chat.messages.rejected").tag("reason", r)
                .description("POSTs refused").register(registry)).increment();
    }

    /** A fair-use limit refused a request ({@code chat.limits.hit{limit}}), or was skipped ({@code limit=*_fail_open}). */
    public void limitHit(String limit) {
        limits.computeIfAbsent(limit, l -> Counter.builder("chat.limits.hit").tag("limit", l)
                .description("Requests refused by a fair-use limit, or admitted unchecked while its store was down")
                .register(registry)).increment();
    }

    /** A request without a valid identity ({@code chat.auth.failures{reason}}). */
    public void authFailure(String reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("chat.auth.failures").tag("reason", r)
                .description("Requests refused with 401").register(registry)).increment();
    }

    public void gapRepaired() {
        gapsRepaired.increment();
    }

    public void registryError() {
        registryErrors.increment();
    }

    /** A NATS publish of {@code kind} (request, heartbeat, cancel, health_reply). */
    public void natsPublished(String kind) {
        published.computeIfAbsent(kind, k -> Counter.builder("chat.nats.published").tag("kind", k)
                .description("Messages published to NATS").register(registry)).increment();
    }

    /** A NATS message of {@code kind} received (pod_response, broadcast, history, health). */
    public void natsReceived(String kind) {
        received.computeIfAbsent(kind, k -> Counter.builder("chat.nats.received").tag("kind", k)
                .description("Messages received from NATS").register(registry)).increment();
    }

    /** Records the time since {@code publishedAtMicros} (epoch microseconds), if plausible. */
    public void deliveryLatency(long publishedAtMicros) {
        if (publishedAtMicros <= 0) {
            return;
        }
        java.time.Instant now = java.time.Instant.now();
        long nowMicros = TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1_000;
        long micros = nowMicros - publishedAtMicros;
        if (micros >= 0) {
            deliveryLatency.record(micros, TimeUnit.MICROSECONDS);
        }
    }

    public void replayed(int batches) {
        replayedBatches.record(batches);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    private Counter droppedCounter(String reason) {
        return dropped.computeIfAbsent(reason, r -> Counter.builder("chat.chunks.dropped").tag("reason", r)
                .description("Chunks not written to a connection").register(registry));
    }
}
