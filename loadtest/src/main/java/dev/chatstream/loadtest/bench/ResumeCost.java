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
 * The cost of a burst of resumes: a session with {@code batches} stored history batches (one chunk each) and
 * {@code clients} SSE clients resuming it at once. With {@code messages} 1 (the default) the batches are one
 * answer and the clients resume from its first chunk; with more, they are that many answers of equal length,
 * stored like a session's turns — the earlier ones {@code gap-seconds} before the last (default: the replay's
 * clock margin and one second more, as earlier turns of a real session are older than that) — and the clients
 * resume from the last answer's first chunk, so a pod that starts replays near the cursor's message reads only
 * that answer's batches. Batches are stored as workers store them (each after an answer's first carries
 * {@code Chat-History-Start}); the last answer's id is a UUIDv7, as pods make them. Reports how many history
 * messages the pod read (its {@code chat_nats_received_total{kind="history"}}), how many history reads it started
 * ({@code chat_replays_total}, and by start {@code chat_replay_starts_total{from}}, where the pod has them) and
 * the time from opening the streams to each client having the final chunk. Runs against a running pod (started
 * with {@code AUTH_MODE=none}: every client is another browser) and its NATS; metrics are read from the pod's
 * management port ({@code -Dresume.metrics}, default http://127.0.0.1:9090):
 * <pre>
 * java -Dresume.metrics=http://127.0.0.1:9090 -cp loadtest/target/loadtest.jar dev.chatstream.loadtest.bench.ResumeCost \
 *     http://127.0.0.1:8080 nats://127.0.0.1:4222 1000 100 [messages] [gap-seconds]
 * </pre>
 */
public final class ResumeCost {
    private static final String HISTORY_READS = "chat_nats_received_total{kind=\"history\"}";
    private static final String REPLAYS = "chat_replays_total";
    private static final List<String> STARTS = List.of("sequence", "time", "first");
    /** The pods' {@code ScanStart.CLOCK_MARGIN}, and a second more. */
    private static final int DEFAULT_GAP_SECONDS = 31;

    private ResumeCost() {
    }

    public static void main(String[] args) throws Exception {
        String pod = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        String nats = args.length > 1 ? args[1] : "nats://127.0.0.1:4222";
        int batches = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int messages = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        int gapSeconds = args.length > 5 ? Integer.parseInt(args[5]) : messages > 1 ? DEFAULT_GAP_SECONDS : 0;
        String session = "rc-" + UUID.randomUUID().toString().substring(0, 8);
        int perMessage = batches / messages;
        String message;
        try (Connection connection = Nats.connect(nats)) {
            JetStream jetStream = connection.jetStream();
            for (int m = 0; m < messages - 1; m++) {
                store(jetStream, session, "earlier-" + m + "-" + UUID.randomUUID().toString().substring(0, 8), perMessage);
            }
            if (gapSeconds > 0) {
                System.out.printf("stored %d earlier answers; waiting %d s before the last one%n", messages - 1, gapSeconds);
                Thread.sleep(gapSeconds * 1_000L);
            }
            message = uuidV7(System.currentTimeMillis());
            store(jetStream, session, message, batches - perMessage * (messages - 1));
        }
        int lastBatches = batches - perMessage * (messages - 1);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String metrics = System.getProperty("resume.metrics", "http://127.0.0.1:9090");
        double readsBefore = metric(http, metrics, HISTORY_READS);
        double replaysBefore = metric(http, metrics, REPLAYS);
        double[] startsBefore = new double[STARTS.size()];
        for (int i = 0; i < STARTS.size(); i++) {
            startsBefore[i] = metric(http, metrics, startMetric(STARTS.get(i)));
        }
        String last = message + ":" + (lastBatches - 1);
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
        double reads = metric(http, metrics, HISTORY_READS) - readsBefore;
        double replays = metric(http, metrics, REPLAYS) - replaysBefore;
        long[] sorted = Arrays.stream(caughtUpNanos).filter(n -> n > 0).sorted().toArray();
        System.out.printf("session %s: %d stored batches in %d answers, %d clients resuming from %s:0 (%d batches)%n",
                session, batches, messages, clients, message, lastBatches);
        System.out.printf("caught up: %d/%d clients; time to caught-up ms p50 %.0f, p90 %.0f, max %.0f%n", sorted.length, clients,
                ms(sorted, 0.5), ms(sorted, 0.9), ms(sorted, 1.0));
        System.out.printf("chunk events received: %d (expected %d)%n", events.get(), (long) clients * (lastBatches - 1));
        System.out.printf("history messages read by the pod: %.0f (%.1f per client); history reads started: %s%n",
                reads, reads / clients, replays > 0 ? String.format("%.0f", replays) : "not counted by this pod");
        StringBuilder starts = new StringBuilder();
        for (int i = 0; i < STARTS.size(); i++) {
            double started = metric(http, metrics, startMetric(STARTS.get(i))) - startsBefore[i];
            if (started > 0) {
                starts.append(' ').append(STARTS.get(i)).append('=').append(String.format("%.0f", started));
            }
        }
        System.out.println("history reads by start:" + (starts.isEmpty() ? " not counted by this pod" : starts));
    }

    private static String startMetric(String from) {
        return "chat_replay_starts_total{from=\"" + from + "\"}";
    }

    /** A UUIDv7 for {@code epochMillis}, as pods make message ids (RFC 9562). */
    private static String uuidV7(long epochMillis) {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (random.nextInt() & 0x0FFF);
        long low = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    /** Stores one answer as a worker does: its first batch, then the rest saying where it began. */
    private static void store(JetStream jetStream, String session, String message, int batches) throws Exception {
        MessageCodec codec = MessageCodec.standard();
        List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
        long first = 0;
        for (int i = 0; i < batches; i++) {
            boolean last = i == batches - 1;
            ResponseChunk chunk = last
                    ? ResponseChunk.finalChunk(session, message, i, new ChunkMetadata("demo", i, FinishReason.STOP), "c", Instant.now())
                    : ResponseChunk.content(session, message, i, "token-" + i + " ", "c", Instant.now());
            BatchHeader header = new BatchHeader(session, message, i, 1, 1, last, 0, first);
            NatsMessage batch = NatsMessage.builder().subject(Subjects.history(session))
                    .headers(header.toHeaders()).data(codec.encode(chunk)).build();
            if (i == 0) {
                first = jetStream.publish(batch).getSeqno();
            } else {
                acks.add(jetStream.publishAsync(batch));
            }
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
