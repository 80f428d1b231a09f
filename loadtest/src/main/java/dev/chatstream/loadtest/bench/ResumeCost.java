package dev.chatstream.loadtest.bench;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.impl.NatsMessage;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cost of a burst of resumes: a session with {@code batches} stored history batches (one chunk each,
 * the last one final) and {@code clients} SSE clients resuming it at once from its first chunk. Reports
 * how many history messages the pod read (its {@code chat_nats_received_total{kind="history"}}), how many
 * history reads it started ({@code chat_replays_total}, where the pod has it) and the time from opening
 * the streams to each client having the final chunk. Runs against a running pod and its NATS:
 * <pre>
 * java -cp loadtest/target/loadtest.jar dev.chatstream.loadtest.bench.ResumeCost \
 *     http://127.0.0.1:8080 nats://127.0.0.1:4222 1000 100
 * </pre>
 */
public final class ResumeCost {
    private static final String HISTORY_READS = "chat_nats_received_total{kind=\"history\"}";
    private static final String REPLAYS = "chat_replays_total";

    private ResumeCost() {
    }

    public static void main(String[] args) throws Exception {
        String pod = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        String nats = args.length > 1 ? args[1] : "nats://127.0.0.1:4222";
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        String session = "rc-" + UUID.randomUUID().toString().substring(0, 8);
        String message = "m-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = Nats.connect(nats)) {
            store(connection.jetStream(), session, message, batches);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        double readsBefore = metric(http, pod, HISTORY_READS);
        double replaysBefore = metric(http, pod, REPLAYS);
        String last = message + ":" + (batches - 1);
        long[] caughtUpNanos = new long[clients];
        AtomicLong events = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                int client = i;
                threads.submit(() -> {
                    try {
                        HttpRequest request = HttpRequest.newBuilder(URI.create(pod + "/api/sessions/" + session + "/stream"))
                                .header("Last-Event-ID", message + ":0").GET().build();
                        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                                if (line.startsWith("id: ")) {
                                    events.incrementAndGet();
                                    if (line.substring(4).equals(last)) {
                                        caughtUpNanos[client] = System.nanoTime() - start;
                                        break;
                                    }
                                }
                            }
                        }
                    } catch (Exception e) {
                        System.err.println("client " + client + ": " + e);
                    } finally {
                        done.countDown();
                    }
                    return null;
                });
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                System.err.println("not every client caught up within 120 s");
            }
            threads.shutdownNow();
        }
        // Let the pod's counters settle (tail checks after the replays read history too).
        Thread.sleep(3_000);
        double reads = metric(http, pod, HISTORY_READS) - readsBefore;
        double replays = metric(http, pod, REPLAYS) - replaysBefore;
        long[] sorted = Arrays.stream(caughtUpNanos).filter(n -> n > 0).sorted().toArray();
        System.out.printf("session %s: %d stored batches, %d clients resuming from %s:0%n", session, batches, clients, message);
        System.out.printf("caught up: %d/%d clients; time to caught-up ms p50 %.0f, p90 %.0f, max %.0f%n", sorted.length, clients,
                ms(sorted, 0.5), ms(sorted, 0.9), ms(sorted, 1.0));
        System.out.printf("chunk events received: %d (expected %d)%n", events.get(), (long) clients * (batches - 1));
        System.out.printf("history messages read by the pod: %.0f (%.1f per client); history reads started: %s%n",
                reads, reads / clients, replays > 0 ? String.format("%.0f", replays) : "not counted by this pod");
    }

    private static void store(JetStream jetStream, String session, String message, int batches) throws Exception {
        MessageCodec codec = MessageCodec.standard();
        List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            boolean last = i == batches - 1;
            ResponseChunk chunk = last
                    ? ResponseChunk.finalChunk(session, message, i, new ChunkMetadata("demo", i, FinishReason.STOP), "c", Instant.now())
                    : ResponseChunk.content(session, message, i, "token-" + i + " ", "c", Instant.now());
            BatchHeader header = new BatchHeader(session, message, i, 1, 1, last, 0);
            acks.add(jetStream.publishAsync(NatsMessage.builder().subject(Subjects.history(session))
                    .headers(header.toHeaders()).data(codec.encode(chunk)).build()));
        }
        for (var ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    private static double metric(HttpClient http, String pod, String name) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(pod + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
