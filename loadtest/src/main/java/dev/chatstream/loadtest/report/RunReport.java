package dev.chatstream.loadtest.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.chatstream.loadtest.app.Options;
import dev.chatstream.loadtest.metrics.LatencySummary;
import dev.chatstream.loadtest.metrics.RunMetrics;
import dev.chatstream.loadtest.nats.NatsBaseline;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The result of a {@code run}: written as JSON and as the final text report. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
        @JsonProperty("kind") String kind,
        @JsonProperty("label") String label,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("config") Config config,
        @JsonProperty("connections_opened") int connectionsOpened,
        @JsonProperty("measured_seconds") double measuredSeconds,
        @JsonProperty("messages_sent") long messagesSent,
        @JsonProperty("messages_accepted") long messagesAccepted,
        @JsonProperty("chunks_received") long chunksReceived,
        @JsonProperty("delivered_chunks_per_s") double deliveredChunksPerSecond,
        @JsonProperty("mean_chunk_bytes") int meanChunkBytes,
        @JsonProperty("ttft") LatencySummary ttft,
        @JsonProperty("pipeline") LatencySummary pipeline,
        @JsonProperty("post") LatencySummary post,
        @JsonProperty("inter_chunk_gap") LatencySummary interChunkGap,
        @JsonProperty("correctness") Correctness correctness,
        @JsonProperty("errors") Map<String, Long> errors,
        @JsonProperty("cpu_cores_used") Map<String, Double> cpuCoresUsed,
        @JsonProperty("cpu_us_per_chunk") Map<String, Double> cpuMicrosPerChunk,
        @JsonProperty("nats_baseline") NatsBaseline.Result natsBaseline,
        @JsonProperty("ratios_to_nats") Ratios ratios,
        @JsonProperty("passed") boolean passed) {

    /** The options that shaped the run. */
    public record Config(
            @JsonProperty("targets") List<URI> targets,
            @JsonProperty("sessions") int sessions,
            @JsonProperty("connections_per_session") int connectionsPerSession,
            @JsonProperty("connections") int connections,
            @JsonProperty("rate_msgs_per_s") double rate,
            @JsonProperty("max_tokens") int maxTokens,
            @JsonProperty("chunks_per_message") int chunksPerMessage,
            @JsonProperty("expected_chunks_per_s") double expectedChunkRate,
            @JsonProperty("token_delay_ms") Integer tokenDelayMs,
            @JsonProperty("duration_s") double durationSeconds,
            @JsonProperty("warmup_s") double warmupSeconds,
            @JsonProperty("ramp_s") double rampSeconds) {
    }

    /** Every connection of a session must see every chunk of every accepted message once, in order. */
    public record Correctness(
            @JsonProperty("messages_audited") long messagesAudited,
            @JsonProperty("chunks_expected") long chunksExpected,
            @JsonProperty("lost_chunks") long lostChunks,
            @JsonProperty("unfinished_messages") long unfinishedMessages,
            @JsonProperty("duplicate_chunks") long duplicateChunks,
            @JsonProperty("out_of_order_chunks") long outOfOrderChunks) {

        public boolean clean() {
            return lostChunks == 0 && unfinishedMessages == 0 && duplicateChunks == 0 && outOfOrderChunks == 0;
        }
    }

    /** Our figures divided by raw NATS's at the same payload size (and rate, for latency). */
    public record Ratios(
            @JsonProperty("throughput") double throughput,
            @JsonProperty("pipeline_p50") double pipelineP50,
            @JsonProperty("pipeline_p99") double pipelineP99,
            @JsonProperty("pipeline_p999") double pipelineP999) {
    }

    public static RunReport of(Options options, Instant startedAt, int opened, RunMetrics metrics,
                               Correctness correctness, NatsBaseline.Result baseline, Map<String, Double> cores) {
        Config config = new Config(options.targets(), options.sessions(), options.connectionsPerSession(),
                options.connections(), options.rate(), options.maxTokens(), options.chunksPerMessage(),
                options.expectedChunkRate(), options.tokenDelayMs() < 0 ? null : options.tokenDelayMs(),
                options.duration().toMillis() / 1000.0, options.warmup().toMillis() / 1000.0,
                options.ramp().toMillis() / 1000.0);
        double seconds = metrics.measuredSeconds();
        double delivered = round(metrics.measuredChunks() / Math.max(0.001, seconds));
        LatencySummary pipeline = metrics.pipelineTotal();
        Ratios ratios = null;
        if (baseline != null) {
            LatencySummary nats = baseline.latency().isEmpty() ? LatencySummary.EMPTY : baseline.latency().get(0).latency();
            ratios = new Ratios(ratio(delivered, baseline.maxMsgsPerSecond()), ratio(pipeline.p50Ms(), nats.p50Ms()),
                    ratio(pipeline.p99Ms(), nats.p99Ms()), ratio(pipeline.p999Ms(), nats.p999Ms()));
        }
        boolean passed = correctness.clean() && correctness.messagesAudited() > 0;
        return new RunReport("run", options.label(), startedAt, config, opened, round(seconds), metrics.sent.sum(),
                metrics.acked.sum(), metrics.chunks.sum(), delivered, metrics.meanChunkBytes(), metrics.ttftTotal(),
                pipeline, metrics.postTotal(), metrics.gapTotal(), correctness, metrics.errors(), cores,
                perChunk(cores, seconds, metrics.measuredChunks()), baseline, ratios, passed);
    }

    /** CPU microseconds each watched process spent per chunk delivered while measuring (plus their total). */
    static Map<String, Double> perChunk(Map<String, Double> cores, double seconds, long chunks) {
        if (cores == null || cores.isEmpty() || chunks == 0) {
            return null;
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Double> e : cores.entrySet()) {
            double micros = e.getValue() * seconds * 1e6 / chunks;
            out.put(e.getKey(), round(micros));
            total += micros;
        }
        out.put("total", round(total));
        return out;
    }

    private static double ratio(double a, double b) {
        return b <= 0 ? 0 : Math.round(a / b * 1000) / 1000.0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** The final text report. */
    public String text() {
        StringBuilder s = new StringBuilder();
        s.append("== chatstream load run").append(label.isEmpty() ? "" : ": " + label).append('\n');
        s.append("targets %s; %d sessions x %d connections = %d (%d opened)%n".formatted(config.targets(),
                config.sessions(), config.connectionsPerSession(), config.connections(), connectionsOpened));
        s.append("rate %.1f msgs/s, max_tokens %d (%d chunks/message), token delay %s; expected %.0f chunks/s%n"
                .formatted(config.rate(), config.maxTokens(), config.chunksPerMessage(),
                        config.tokenDelayMs() == null ? "?" : config.tokenDelayMs() + " ms", config.expectedChunkRate()));
        s.append("measured %.1f s after %.1f s warm-up%s%n".formatted(measuredSeconds, config.warmupSeconds(),
                config.rampSeconds() > 0 ? " (rate ramped up over its first %.1f s)".formatted(config.rampSeconds()) : ""));
        s.append("messages: sent %d, accepted %d%n".formatted(messagesSent, messagesAccepted));
        s.append("delivered: %.0f chunks/s (%d chunks in all), mean chunk JSON %d bytes%n"
                .formatted(deliveredChunksPerSecond, chunksReceived, meanChunkBytes));
        s.append("TTFT:      %s (max %.3f ms, n=%d)%n".formatted(ttft.brief(), ttft.maxMs(), ttft.count()));
        s.append("pipeline:  %s (max %.3f ms, n=%d)%n".formatted(pipeline.brief(), pipeline.maxMs(), pipeline.count()));
        s.append("POST:      %s (max %.3f ms, n=%d)%n".formatted(post.brief(), post.maxMs(), post.count()));
        s.append("gap:       %s (max %.3f ms) between chunks of one message at one client%n"
                .formatted(interChunkGap.brief(), interChunkGap.maxMs()));
        s.append("checked: %d messages, %d chunks owed; lost %d, unfinished messages %d, duplicates %d, out of order %d%n"
                .formatted(correctness.messagesAudited(), correctness.chunksExpected(), correctness.lostChunks(),
                        correctness.unfinishedMessages(), correctness.duplicateChunks(), correctness.outOfOrderChunks()));
        s.append("errors: ").append(errors.isEmpty() ? "none" : errors).append('\n');
        s.append("CPU cores used while measuring: ").append(cpuCoresUsed).append('\n');
        if (cpuMicrosPerChunk != null) {
            s.append("CPU us per delivered chunk: ").append(cpuMicrosPerChunk).append('\n');
        }
        if (natsBaseline != null) {
            s.append("raw NATS (same server, %d-byte payloads): max %.0f msgs/s%n"
                    .formatted(natsBaseline.payloadBytes(), natsBaseline.maxMsgsPerSecond()));
            for (NatsBaseline.RatePoint point : natsBaseline.latency()) {
                s.append("  at %.0f msgs/s: %s (max %.3f ms)%n".formatted(point.rate(), point.latency().brief(),
                        point.latency().maxMs()));
            }
            s.append("ratios to NATS: throughput %.3f, pipeline p50 %.2fx, p99 %.2fx, p99.9 %.2fx%n"
                    .formatted(ratios.throughput(), ratios.pipelineP50(), ratios.pipelineP99(), ratios.pipelineP999()));
        }
        s.append(passed ? "RESULT: PASS (no lost, duplicated or out-of-order chunk)"
                : "RESULT: FAIL" + (correctness.messagesAudited() == 0 ? " (no message was accepted)" : " (lost, duplicated or out-of-order chunks)"));
        return s.toString();
    }
}
