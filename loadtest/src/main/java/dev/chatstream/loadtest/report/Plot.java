package dev.chatstream.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the benchmark plots from JSON result files:
 * <pre>
 * plot latency --out docs/latency.png run-*.json   per-chunk pipeline latency against rate, ours vs raw NATS
 * plot memory  --out docs/memory.png scale-*.json  pod memory per SSE connection against connections
 * plot fanout  --out docs/fanout.png scale-*.json  time until the last client has the message
 * </pre>
 */
public final class Plot {
    private static final Color OURS_P50 = new Color(31, 119, 180);
    private static final Color OURS_P99 = new Color(214, 39, 40);
    private static final Color OURS_P999 = new Color(148, 103, 189);

    private Plot() {
    }

    /** Returns an exit status. */
    public static int main(String... args) {
        if (args.length < 4 || !args[1].equals("--out")) {
            System.err.println("usage: plot latency|memory|fanout --out FILE.png RESULT.json...");
            return 2;
        }
        Path out = Path.of(args[2]);
        List<JsonNode> results = new ArrayList<>();
        try {
            for (int i = 3; i < args.length; i++) {
                results.add(JsonFiles.read(Path.of(args[i])));
            }
            LineChart chart = switch (args[0]) {
                case "latency" -> latency(results);
                case "memory" -> memory(results);
                case "fanout" -> fanout(results);
                default -> throw new IllegalArgumentException("unknown plot " + args[0]);
            };
            if (chart.isEmpty()) {
                System.err.println("plot: no data points in the given files");
                return 1;
            }
            chart.write(out);
            System.out.println("wrote " + out);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("plot: " + e.getMessage());
            return 1;
        }
    }

    static LineChart latency(List<JsonNode> runs) {
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> p999 = new ArrayList<>();
        List<double[]> n50 = new ArrayList<>();
        List<double[]> n99 = new ArrayList<>();
        List<double[]> n999 = new ArrayList<>();
        for (JsonNode run : runs) {
            if (!"run".equals(run.path("kind").asText())) {
                continue;
            }
            double rate = run.path("delivered_chunks_per_s").asDouble();
            JsonNode pipe = run.path("pipeline");
            if (rate > 0 && pipe.path("count").asLong() > 0) {
                p50.add(new double[]{rate, pipe.path("p50_ms").asDouble()});
                p99.add(new double[]{rate, pipe.path("p99_ms").asDouble()});
                p999.add(new double[]{rate, pipe.path("p999_ms").asDouble()});
            }
            for (JsonNode point : run.path("nats_baseline").path("latency_at_rates")) {
                double r = point.path("rate").asDouble();
                JsonNode l = point.path("latency");
                n50.add(new double[]{r, l.path("p50_ms").asDouble()});
                n99.add(new double[]{r, l.path("p99_ms").asDouble()});
                n999.add(new double[]{r, l.path("p999_ms").asDouble()});
            }
        }
        return new LineChart("Per-chunk latency: chatstream pipeline vs raw NATS pub-sub",
                "delivered chunks/s (log)", "latency, ms (log)", true, true)
                .add(new LineChart.Series("chatstream p50", OURS_P50, false, p50))
                .add(new LineChart.Series("chatstream p99", OURS_P99, false, p99))
                .add(new LineChart.Series("chatstream p99.9", OURS_P999, false, p999))
                .add(new LineChart.Series("raw NATS p50", OURS_P50, true, n50))
                .add(new LineChart.Series("raw NATS p99", OURS_P99, true, n99))
                .add(new LineChart.Series("raw NATS p99.9", OURS_P999, true, n999));
    }

    static LineChart memory(List<JsonNode> runs) {
        java.util.Map<String, List<double[]>> perStream = byHttpVersion(runs, run ->
                run.path("pod_bytes_per_connection").asLong() < 0 ? null
                        : run.path("pod_bytes_per_connection").asDouble() / 1024.0);
        double maxK = perStream.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).max().orElse(0);
        List<double[]> goal = new ArrayList<>();
        if (maxK > 0) {
            goal.add(new double[]{0, 10.0});
            goal.add(new double[]{maxK, 10.0});
        }
        LineChart chart = new LineChart("Backend pod resident memory per idle SSE stream",
                "concurrent SSE streams on one pod", "KiB per stream (RSS delta / K)", false, false);
        perStream.forEach((version, points) -> chart.add(new LineChart.Series(
                describe(version), colour(version), false, points)));
        return chart.add(new LineChart.Series("goal: 10 KiB", OURS_P99, true, goal));
    }

    static LineChart fanout(List<JsonNode> runs) {
        LineChart chart = new LineChart("Fan-out of one message to every stream of one pod",
                "concurrent SSE streams", "ms after POST until the last client has it", false, false);
        byHttpVersion(runs, run -> run.path("last_client_final_chunk_ms").asDouble()).forEach((version, points) ->
                chart.add(new LineChart.Series("last client, " + describe(version), colour(version), false, points)));
        return chart;
    }

    /** Scale runs as (streams opened, value) points, one sorted series per HTTP version; null values are skipped. */
    private static java.util.Map<String, List<double[]>> byHttpVersion(List<JsonNode> runs,
                                                                       java.util.function.Function<JsonNode, Double> value) {
        java.util.Map<String, List<double[]>> series = new java.util.TreeMap<>();
        for (JsonNode run : runs) {
            if (!"scale".equals(run.path("kind").asText())) {
                continue;
            }
            Double y = value.apply(run);
            if (y != null) {
                series.computeIfAbsent(run.path("http_version").asText("HTTP/1.1"), v -> new ArrayList<>())
                        .add(new double[]{run.path("connections_opened").asDouble(), y});
            }
        }
        series.values().forEach(points -> points.sort(java.util.Comparator.comparingDouble(p -> p[0])));
        return series;
    }

    private static String describe(String httpVersion) {
        return "HTTP/2".equals(httpVersion) ? "HTTP/2 (100/conn.)" : "HTTP/1.1";
    }

    private static Color colour(String httpVersion) {
        return "HTTP/2".equals(httpVersion) ? OURS_P999 : OURS_P50;
    }
}
