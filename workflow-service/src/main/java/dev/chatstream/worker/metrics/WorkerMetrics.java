package dev.chatstream.worker.metrics;

import dev.chatstream.worker.fanout.FanoutMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The worker's Prometheus metrics: {@code chat_workflow_requests_total{outcome}},
 * {@code chat_ttft_seconds} (request accepted by the pod → first chunk published),
 * {@code chat_chunks_published_total}, {@code chat_nats_published_total{kind}},
 * {@code chat_nats_received_total{kind}}, {@code chat_history_batch_chunks},
 * {@code chat_history_publish_failures_total{retried}}, {@code chat_workflow_active_answers},
 * {@code chat_nats_connected}; the GenAI client metrics come from {@code GenAiTelemetry}.
 */
public final class WorkerMetrics implements FanoutMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> published = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> received = new ConcurrentHashMap<>();
    private final Timer ttft;
    private final Counter chunks;
    private final DistributionSummary historyBatch;
    private final Counter historyRetried;
    private final Counter historyGaveUp;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.ttft = Timer.builder("chat.ttft")
                .description("Time from the request's timestamp (accepted by the pod) to its first chunk published")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        this.chunks = Counter.builder("chat.chunks.published").description("Chunks published live").register(registry);
        this.historyBatch = DistributionSummary.builder("chat.history.batch.chunks")
                .description("Chunks per CHAT_HISTORY message").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(1024.0).register(registry);
        this.historyRetried = Counter.builder("chat.history.publish.failures").tag("retried", "true").register(registry);
        this.historyGaveUp = Counter.builder("chat.history.publish.failures").tag("retried", "false").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One request finished with {@code outcome} (stop, length, cancelled, provider_error, dead_lettered, ...). */
    public void request(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("chat.workflow.requests")
                .description("Workflow requests by outcome").tag("outcome", o).register(registry)).increment();
    }

    public void timeToFirstChunk(Duration duration) {
        if (!duration.isNegative()) {
            ttft.record(duration);
        }
    }

    /** A NATS message was received: {@code request}, {@code cancel}, {@code heartbeat}. */
    public void received(String kind) {
        received.computeIfAbsent(kind, k -> Counter.builder("chat.nats.received").tag("kind", k).register(registry))
                .increment();
    }

    /** NATS messages were published: {@code live}, {@code history}, {@code dlq}, {@code reply}. */
    public void published(String kind, int count) {
        published.computeIfAbsent(kind, k -> Counter.builder("chat.nats.published").tag("kind", k).register(registry))
                .increment(count);
    }

    /** {@code chat_nats_connected}: 1 while the NATS connection is up, 0 otherwise (alerting). */
    public void gaugeNatsConnected(java.util.function.BooleanSupplier connected) {
        Gauge.builder("chat.nats.connected", connected, c -> c.getAsBoolean() ? 1 : 0)
                .description("1 while connected to NATS").register(registry);
    }

    public void gaugeActive(Supplier<Number> active) {
        Gauge.builder("chat.workflow.active.answers", active).description("Answers streaming now").register(registry);
    }

    /** A request waiting for its turn read its session's queue in {@code WORKFLOW_REQUESTS} (one JetStream API call). */
    public Runnable turnCheckCounter() {
        Counter checks = Counter.builder("chat.workflow.turn.checks")
                .description("Reads of a session's queued requests by requests waiting for their turn").register(registry);
        return checks::increment;
    }

    /** Requests waiting for an earlier answer of their session (BUSY_POLICY), counted in the active answers too. */
    public void gaugeQueued(Supplier<Number> queued) {
        Gauge.builder("chat.workflow.queued.requests", queued)
                .description("Requests waiting for an earlier answer of their session").register(registry);
    }

    @Override
    public void livePublished(int chunkCount, int destinations) {
        chunks.increment(chunkCount);
        published("live", destinations);
    }

    @Override
    public void historyPublished(int chunkCount) {
        historyBatch.record(chunkCount);
        published("history", 1);
    }

    @Override
    public void historyFailed(boolean willRetry) {
        (willRetry ? historyRetried : historyGaveUp).increment();
    }
}
