package dev.chatstream.loadtest.peers;

import dev.chatstream.loadtest.check.Timestamps;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The side-by-side driver of {@code loadtest/bench/peers.sh}: one process that holds the SSE readers
 * (one per channel) and publishes the same paced answers to one server — ours (NATS, as a worker does),
 * Pushpin (HTTP publish) or Nchan (HTTP publish) — at each number of concurrent answers in turn, and
 * reports delivery latency, loss and CPU per delivered chunk of the server's processes.
 *
 * <pre>
 * java -cp loadtest.jar dev.chatstream.loadtest.peers.PeersMain --server ours|pushpin|nchan
 *   --subscribe-url 'http://127.0.0.1:8080/api/sessions/{channel}/stream'
 *   [--nats-url nats://127.0.0.1:4222 --pod-id ID]   (ours)
 *   [--publish-port 5561 --origin-port 7998]          (pushpin: its handler's HTTP port, our GRIP origin)
 *   [--publish-port 8090]                             (nchan: the port of its /pub/ location)
 *   [--answers 100,200,400,800] [--clients 1000] [--tokens 200] [--token-ms 20]
 *   [--prewarm 0s] [--warmup 3s] [--measure 10s] [--grace 2s] [--cpu name=pid,...] [--output file.json]
 * </pre>
 */
public final class PeersMain {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private PeersMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        String server = required(options, "server");
        int clients = Integer.parseInt(options.getOrDefault("clients", "1000"));
        int tokens = Integer.parseInt(options.getOrDefault("tokens", "200"));
        long spacing = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(options.getOrDefault("token-ms", "20")));
        Duration warmup = duration(options.getOrDefault("warmup", "3s"));
        Duration measure = duration(options.getOrDefault("measure", "10s"));
        Duration grace = duration(options.getOrDefault("grace", "2s"));
        Duration prewarm = duration(options.getOrDefault("prewarm", "0s"));
        List<Integer> steps = new ArrayList<>();
        for (String n : options.getOrDefault("answers", "100,200,400,800").split(",")) {
            steps.add(Integer.parseInt(n.strip()));
        }
        List<ProcessCpu> servers = new ArrayList<>();
        for (String entry : options.getOrDefault("cpu", "").split(",")) {
            if (!entry.isBlank()) {
                String[] kv = entry.split("=", 2);
                servers.add(ProcessCpu.tree(kv[0], Long.parseLong(kv[1])));
            }
        }
        ProcessCpu driverCpu = ProcessCpu.tree("driver", ProcessHandle.current().pid());

        Vertx vertx = Vertx.vertx();
        Tally tally = new Tally();
        PeerReaders readers = new PeerReaders(vertx, required(options, "subscribe-url"), clients, tally);
        JsonArray rows = new JsonArray();
        try {
            if (server.equals("pushpin")) {
                GripOrigin.start(vertx, Integer.parseInt(required(options, "origin-port"))).await();
            }
            int opened = readers.open(clients).await();
            System.out.printf("%s: %d of %d SSE readers open; CPU watched: %s%n", server, opened, clients,
                    servers.stream().map(c -> c.name() + " (" + c.processes() + " processes)").toList());
            try (ChunkPublisher publisher = publisher(server, options, vertx)) {
                System.out.println("publishing: " + publisher.describe());
                System.out.println("| server | answers | offered chunks/s | delivered chunks/s | latency p50 / p99 / p99.9 / max ms"
                        + " | lost | repeated / gaps | CPU µs per delivered chunk | load average |");
                int nextChannel = 0;
                long nextAnswer = 0;
                if (!prewarm.isZero()) {
                    // Cold JVMs (ours, the driver's) and empty caches: run the first step's load unreported first.
                    JsonObject row = step(server + " (pre-warm, not a result)", steps.get(0), tokens, spacing, clients,
                            nextChannel, nextAnswer, prewarm, Duration.ofSeconds(1), grace, publisher, tally, servers,
                            driverCpu);
                    nextChannel = row.getInteger("next_channel");
                    nextAnswer = row.getLong("next_answer");
                }
                for (int answers : steps) {
                    JsonObject row = step(server, answers, tokens, spacing, clients, nextChannel, nextAnswer,
                            warmup, measure, grace, publisher, tally, servers, driverCpu);
                    nextChannel = row.getInteger("next_channel");
                    nextAnswer = row.getLong("next_answer");
                    row.remove("next_channel");
                    row.remove("next_answer");
                    row.put("readers_open", opened).put("readers_closed_by_server", readers.closedByServer());
                    rows.add(row);
                }
            }
        } finally {
            readers.close();
            vertx.close().await();
        }
        String output = options.get("output");
        if (output != null) {
            Files.writeString(Path.of(output), new JsonObject().put("server", server).put("clients", clients)
                    .put("tokens", tokens).put("token_ms", spacing / 1_000_000).put("rows", rows).encodePrettily());
        }
    }

    private static JsonObject step(String server, int answers, int tokens, long spacing, int clients, int firstChannel,
                                   long firstAnswer, Duration warmup, Duration measure, Duration grace,
                                   ChunkPublisher publisher, Tally tally, List<ProcessCpu> servers, ProcessCpu driverCpu) {
        String load = loadAverage();
        long start = System.nanoTime();
        PacedAnswers paced = new PacedAnswers(answers, tokens, spacing, clients, firstChannel, firstAnswer, start);
        long windowStart = start + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        long failuresBefore = publisher.failures();
        publisher.maxInFlight();
        Map<String, Long> cpuBefore = new HashMap<>();
        long published = 0;
        long[] lateMaxNanos = {0};
        int phase = 0; // 0 warm-up, 1 measuring, 2 draining: answers run to their end, none starts
        List<PeerChunk> due = new ArrayList<>();
        long tick = start;
        while (phase < 2 || paced.streaming() > 0) {
            long now = System.nanoTime();
            if (phase == 0 && now >= windowStart) {
                phase = 1;
                tally.open(Timestamps.epochNanosAt(now));
                servers.forEach(cpu -> cpuBefore.put(cpu.name(), cpu.micros()));
                cpuBefore.put(driverCpu.name(), driverCpu.micros());
            } else if (phase == 1 && now >= windowEnd) {
                phase = 2;
                tally.close(Timestamps.epochNanosAt(now));
                tally.closeArrivals();
                servers.forEach(cpu -> cpuBefore.put(cpu.name(), cpu.micros() - cpuBefore.get(cpu.name())));
                cpuBefore.put(driverCpu.name(), driverCpu.micros() - cpuBefore.get(driverCpu.name()));
                paced.stopStarting();
            }
            due.clear();
            boolean measuring = phase == 1;
            paced.due(now, token -> {
                long built = System.nanoTime();
                if (measuring) {
                    lateMaxNanos[0] = Math.max(lateMaxNanos[0], built - token.dueNanos());
                }
                due.add(PeerChunk.of(token, Timestamps.epochNanosAt(built)));
            });
            publisher.publish(due);
            if (phase == 1) {
                published += due.size();
            }
            tick += TICK_NANOS;
            long wait = tick - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                tick = System.nanoTime();
            }
        }
        // Chunks still on their way: a bounded wait, then whatever has not arrived is lost.
        LockSupport.parkNanos(grace.toNanos());
        Tally.Snapshot seen = tally.take();
        double seconds = measure.toNanos() / 1e9;
        Histogram latency = seen.latencyMicros();
        JsonObject cpu = new JsonObject();
        StringBuilder cpuText = new StringBuilder();
        long totalServerMicros = 0;
        for (ProcessCpu process : servers) {
            long micros = cpuBefore.get(process.name());
            totalServerMicros += micros;
            double perChunk = seen.arrived() == 0 ? -1 : (double) micros / seen.arrived();
            cpu.put(process.name(), round(perChunk));
            cpuText.append(cpuText.isEmpty() ? "" : ", ").append(process.name()).append(' ').append(round(perChunk));
        }
        if (servers.size() > 1) {
            double total = seen.arrived() == 0 ? -1 : (double) totalServerMicros / seen.arrived();
            cpu.put("total", round(total));
            cpuText.append(", total ").append(round(total));
        }
        long driverMicros = cpuBefore.get(driverCpu.name());
        long lost = Math.max(0, published - seen.stamped());
        JsonObject row = new JsonObject()
                .put("server", server).put("answers", answers)
                .put("offered_chunks_per_second", Math.round(published / seconds))
                .put("delivered_chunks_per_second", Math.round(seen.arrived() / seconds))
                .put("published", published).put("received", seen.stamped()).put("lost", lost)
                .put("repeated", seen.repeated()).put("gaps", seen.gaps())
                .put("publish_failures", publisher.failures() - failuresBefore)
                .put("latency_ms", new JsonObject()
                        .put("p50", ms(latency, 50)).put("p90", ms(latency, 90)).put("p99", ms(latency, 99))
                        .put("p99_9", ms(latency, 99.9)).put("max", round(latency.getMaxValue() / 1000.0)))
                .put("cpu_us_per_delivered_chunk", cpu)
                .put("driver_cores", round(driverMicros / 1e6 / seconds))
                .put("driver_late_max_ms", round(lateMaxNanos[0] / 1e6))
                .put("publish_requests_in_flight_max", publisher.maxInFlight())
                .put("load_average_at_start", load)
                .put("next_channel", paced.nextChannel()).put("next_answer", paced.nextAnswer());
        System.out.printf("| %s | %d | %d | %d | %s / %s / %s / %s | %d | %d / %d | %s | %s |%n", server, answers,
                row.getLong("offered_chunks_per_second"), row.getLong("delivered_chunks_per_second"),
                ms(latency, 50), ms(latency, 99), ms(latency, 99.9), round(latency.getMaxValue() / 1000.0), lost,
                seen.repeated(), seen.gaps(), cpuText, load);
        System.out.printf("    publish failures %d, driver %.2f cores, tokens built up to %.1f ms after due,"
                        + " up to %d publish requests in flight%n", row.getLong("publish_failures"),
                row.getDouble("driver_cores"), row.getDouble("driver_late_max_ms"),
                row.getInteger("publish_requests_in_flight_max"));
        return row;
    }

    private static ChunkPublisher publisher(String server, Map<String, String> options, Vertx vertx) throws Exception {
        return switch (server) {
            case "ours" -> new NatsPublisher(required(options, "nats-url"), required(options, "pod-id"));
            case "pushpin" -> new PushpinPublisher(vertx, "127.0.0.1", Integer.parseInt(required(options, "publish-port")));
            case "nchan" -> new NchanPublisher(vertx, "127.0.0.1", Integer.parseInt(required(options, "publish-port")));
            default -> throw new IllegalArgumentException("--server must be ours, pushpin or nchan, was " + server);
        };
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        throw new IllegalArgumentException("a duration like 10s or 500ms, was " + text);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "?";
        }
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? -1 : round(histogram.getValueAtPercentile(percentile) / 1000.0);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
