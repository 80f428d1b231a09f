package dev.chatstream.pod.metrics;

import dev.chatstream.pod.telemetry.FirstChunkWatch;
import dev.chatstream.telemetry.LatencyBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;

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
 * {@code chat_messages_rejected_total{reason}}, {@code chat_replay_batches}, {@code chat_replays_total},
 * {@code chat_replay_starts_total{from}},
 * {@code chat_stream_gaps_repaired_total}, {@code chat_stream_repairs_abandoned_total}, {@code chat_pod_ttft_seconds} (POST accepted to first chunk written,
 * {@link FirstChunkWatch}) and {@code chat_resumes_total{outcome}}, {@code chat_nats_connected}.
 */
public final class PodMetrics {
    /** Reasons a chunk is not written to a connection. */
    public static final String DROP_SLOW_CLIENT = "slow_client";
    public static final String DROP_DUPLICATE = "duplicate";
    public static final String DROP_NOT_LOCAL = "not_local";
    public static final String DROP_MALFORMED = "malformed";
    /** Resume outcomes: every chunk after the cursor replayed; cursor not in history (gap notice); replay failed. */
    public static final String RESUME_COMPLETE = "complete";
    public static final String RESUME_GAP = "gap";
    public static final String RESUME_FAILED = "failed";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Counter delivered;
    private final Counter accepted;
    private final Counter registryErrors;
    private final Counter gapsRepaired;
    private final Counter repairsAbandoned;
    private final Timer deliveryLatency;
    private final DistributionSummary replayedBatches;
    private final Counter replays;
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> published = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> received = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> resumes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> replayStarts = new ConcurrentHashMap<>();
    private final FirstChunkWatch firstChunks;
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
        repairsAbandoned = Counter.builder("chat.stream.repairs.abandoned")
                .description("Holes whose history stayed unreadable for the retry budget: the stream was closed so its client resumes")
                .register(registry);
        deliveryLatency = Timer.builder("chat.chunk.delivery")
                .description("From the worker publishing a chunk batch to the pod writing it to a connection")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        replays = Counter.builder("chat.replays")
                .description("History reads started for resumes and repairs (one may serve several connections)")
                .register(registry);
        replayedBatches = DistributionSummary.builder("chat.replay.batches")
                .description("History batches read per resume").register(registry);
        for (String reason : new String[]{DROP_SLOW_CLIENT, DROP_DUPLICATE, DROP_NOT_LOCAL, DROP_MALFORMED}) {
            droppedCounter(reason);
        }
        for (String outcome : new String[]{RESUME_COMPLETE, RESUME_GAP, RESUME_FAILED}) {
            resumed(outcome, 0);
        }
        Timer ttft = Timer.builder("chat.pod.ttft")
                .description("From the pod taking the POST to the first chunk of its answer written to a client")
                .serviceLevelObjectives(LatencyBuckets.bounds())
                .register(registry);
        firstChunks = new FirstChunkWatch(ttft, GlobalOpenTelemetry.getTracer("backend-pod"));
    }

    /** Time to first chunk and the delivery span: fed by the NATS subscriber and the connection that writes. */
    public FirstChunkWatch firstChunks() {
        return firstChunks;
    }

    /** {@code chat_nats_connected}: 1 while the NATS connection is up, 0 otherwise (alerting). */
    public void natsConnected(java.util.function.BooleanSupplier connected) {
        Gauge.builder("chat.nats.connected", connected, c -> c.getAsBoolean() ? 1 : 0)
                .description("1 while connected to NATS").register(registry);
    }

    /** A resume (a stream opened with a cursor) ended its replay with {@code outcome}; null (a repair) counts nothing. */
    public void resumed(String outcome) {
        if (outcome != null) {
            resumed(outcome, 1);
        }
    }

    /**
     * A live batch reached a client: its delivery latency, and, when it carried the message's chunk 0, the
     * answer's first chunk written ({@code chat_pod_ttft_seconds}).
     */
    public void liveWritten(long publishedAtMicros, String sessionId, String messageId, boolean firstChunk) {
        deliveryLatency(publishedAtMicros);
        if (firstChunk) {
            firstChunks().written(sessionId, messageId);
        }
    }

    private void resumed(String outcome, int count) {
        resumes.computeIfAbsent(outcome, o -> Counter.builder("chat.resumes").tag("outcome", o)
                .description("Streams resumed from a cursor, by outcome").register(registry)).increment(count);
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

    /** A hole's history could not be read within the retry budget; its stream was closed (the client resumes). */
    public void repairAbandoned() {
        repairsAbandoned.increment();
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

    /** A history read started (a resume, a repair, a retry). */
    public void replayStarted() {
        replays.increment();
    }

    /**
     * Where a history read started ({@code chat_replay_starts_total{from}}): {@code sequence} (where its message's
     * history begins), {@code time} (before the message's accept time) or {@code first} (the session's first batch).
     */
    public void replayStartedFrom(String from) {
        replayStarts.computeIfAbsent(from, f -> Counter.builder("chat.replay.starts").tag("from", f)
                .description("History reads by where they started").register(registry)).increment();
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
