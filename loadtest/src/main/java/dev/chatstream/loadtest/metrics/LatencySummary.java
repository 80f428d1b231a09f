package dev.chatstream.loadtest.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.HdrHistogram.Histogram;

/** Percentiles of a latency histogram recorded in nanoseconds, reported in milliseconds. */
public record LatencySummary(
        @JsonProperty("count") long count,
        @JsonProperty("mean_ms") double meanMs,
        @JsonProperty("p50_ms") double p50Ms,
        @JsonProperty("p90_ms") double p90Ms,
        @JsonProperty("p99_ms") double p99Ms,
        @JsonProperty("p999_ms") double p999Ms,
        @JsonProperty("max_ms") double maxMs) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(h.getTotalCount(), ms(h.getMean()), ms(h.getValueAtPercentile(50)),
                ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                ms(h.getMaxValue()));
    }

    private static double ms(double nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** {@code p50 1.234 / p99 5.678 / p99.9 9.876 ms}. */
    public String brief() {
        return count == 0 ? "-" : "p50 %.3f / p99 %.3f / p99.9 %.3f ms".formatted(p50Ms, p99Ms, p999Ms);
    }
}
