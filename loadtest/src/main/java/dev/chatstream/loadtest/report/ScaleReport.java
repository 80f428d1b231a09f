package dev.chatstream.loadtest.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.chatstream.loadtest.metrics.LatencySummary;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/** The result of a {@code scale} run. */
public record ScaleReport(
        @JsonProperty("kind") String kind,
        @JsonProperty("label") String label,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("target") URI target,
        @JsonProperty("http_version") String httpVersion,
        @JsonProperty("connections_requested") int requested,
        @JsonProperty("connections_opened") int opened,
        @JsonProperty("source_addresses") int sourceAddresses,
        @JsonProperty("open_seconds") double openSeconds,
        @JsonProperty("pod_pid") long podPid,
        @JsonProperty("pod_full_gc_before_reading") boolean podGc,
        @JsonProperty("pod_rss_before_bytes") long rssBefore,
        @JsonProperty("pod_rss_after_bytes") long rssAfter,
        @JsonProperty("pod_rss_after_fanout_bytes") long rssAfterFanout,
        @JsonProperty("pod_bytes_per_connection") long bytesPerConnection,
        @JsonProperty("post_status") int postStatus,
        @JsonProperty("max_tokens") int maxTokens,
        @JsonProperty("connections_finished") int finished,
        @JsonProperty("fanout_first_chunk") LatencySummary fanoutFirst,
        @JsonProperty("fanout_final_chunk") LatencySummary fanoutFinal,
        @JsonProperty("last_client_first_chunk_ms") double lastFirstMs,
        @JsonProperty("last_client_final_chunk_ms") double lastFinalMs,
        @JsonProperty("lost_chunks") long lostChunks,
        @JsonProperty("unfinished_connections") long unfinished,
        @JsonProperty("duplicate_chunks") long duplicates,
        @JsonProperty("out_of_order_chunks") long outOfOrder,
        @JsonProperty("errors") Map<String, Long> errors,
        @JsonProperty("cpu_cores_used_during_fanout") Map<String, Double> cpuDuringFanout) {

    @JsonProperty("passed")
    public boolean passed() {
        return opened == requested && postStatus == 202 && lostChunks == 0 && unfinished == 0 && duplicates == 0
                && outOfOrder == 0;
    }

    public String text() {
        return """
                == chatstream connection scale%s
                target %s: %d/%d SSE streams (%s) opened in %.1f s (%d source addresses)
                pod pid %d RSS%s: %s before, %s with the connections, %s after the fan-out
                memory per connection: %s
                fan-out of one message (%d chunks) to every connection: first chunk p50 %.1f / p99 %.1f / last %.1f ms; final chunk p50 %.1f / p99 %.1f / last %.1f ms
                finished %d/%d; lost %d, unfinished %d, duplicates %d, out of order %d
                errors: %s
                CPU cores used from the POST until the last final chunk: %s
                RESULT: %s""".formatted(label.isEmpty() ? "" : ": " + label, target, opened, requested, httpVersion, openSeconds,
                sourceAddresses, podPid, podGc ? " (after a full GC)" : "", mib(rssBefore), mib(rssAfter), mib(rssAfterFanout),
                bytesPerConnection < 0 ? "unknown (give --pod-pid)" : "%.2f KiB".formatted(bytesPerConnection / 1024.0),
                maxTokens + 1, fanoutFirst.p50Ms(), fanoutFirst.p99Ms(), lastFirstMs, fanoutFinal.p50Ms(),
                fanoutFinal.p99Ms(), lastFinalMs, finished, opened, lostChunks, unfinished, duplicates, outOfOrder,
                errors.isEmpty() ? "none" : errors, cpuDuringFanout, passed() ? "PASS" : "FAIL");
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : "%.1f MiB".formatted(bytes / 1048576.0);
    }
}
