package dev.chatstream.pod.probe;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Drives a pod running as its own process ({@code java -jar backend-pod.jar}) with chunk batches on its pod
 * subject and reports the pod's CPU time per chunk written to an SSE connection. Runs only when pointed at
 * a pod: {@code -Dprobe.port=<http port> -Dprobe.pid=<pid> -Dprobe.podId=<POD_ID> -Dprobe.nats=<url>}
 * (metrics from {@code -Dprobe.managementPort}, default 9090).
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "probe.port", matches = "\\d+")
class ExternalProbe {
    @Test
    @DisplayName("measures the pod's CPU time per chunk written to SSE connections")
    void measure() throws Exception {
        int port = Integer.getInteger("probe.port");
        long pid = Long.getLong("probe.pid");
        String podId = System.getProperty("probe.podId");
        int sessions = Integer.getInteger("probe.sessions", 50);
        int perSession = Integer.getInteger("probe.connections", 2);
        int batches = Integer.getInteger("probe.batches", 100_000);
        Vertx vertx = Vertx.vertx();
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(port).setDefaultHost("127.0.0.1"),
                new PoolOptions().setHttp1MaxSize(1000));
        for (int s = 0; s < sessions; s++) {
            for (int c = 0; c < perSession; c++) {
                http.request(HttpMethod.GET, "/api/sessions/p" + s + "/stream").compose(HttpClientRequest::send)
                        .onSuccess(r -> r.handler(b -> { })).await(5, TimeUnit.SECONDS);
            }
        }
        MessageCodec codec = MessageCodec.standard();
        String text = "x".repeat(120);
        List<io.nats.client.Message> messages = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            int s = i % sessions;
            long chunk = i / sessions;
            byte[] body = codec.encode(ResponseChunk.content("p" + s, "m", chunk, text, "c", Instant.now()));
            messages.add(NatsMessage.builder().subject(Subjects.podResponse(podId))
                    .headers(new Headers().put(ChunkHeaders.SESSION_ID, "p" + s).put(ChunkHeaders.MESSAGE_ID, "m")
                            .put(ChunkHeaders.FIRST_CHUNK_ID, Long.toString(chunk)).put(ChunkHeaders.CHUNK_COUNT, "1")
                            .put(ChunkHeaders.ATTEMPT, "1"))
                    .data(body).build());
        }
        int managementPort = Integer.getInteger("probe.managementPort", 9090);
        long target = delivered(managementPort) + (long) batches * perSession;
        try (Connection nats = Nats.connect(System.getProperty("probe.nats"))) {
            long cpuBefore = cpuTicks(pid);
            long start = System.nanoTime();
            for (io.nats.client.Message m : messages) {
                nats.publish(m);
            }
            nats.flush(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(50)).until(() -> delivered(managementPort) >= target);
            long wall = System.nanoTime() - start;
            long cpu = cpuTicks(pid) - cpuBefore;
            long writes = (long) batches * perSession;
            System.out.printf("PROBE %d batches -> %d chunk writes in %d ms wall; pod CPU %d ms = %.1f us per chunk write (%.0f writes per pod CPU second)%n",
                    batches, writes, wall / 1_000_000, cpu * 10, cpu * 10_000.0 / writes, writes / (cpu / 100.0));
        }
        vertx.close();
    }

    private static long delivered(int port) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("chat_chunks_delivered_total ")).findFirst()
                .map(l -> (long) Double.parseDouble(l.split(" ")[1])).orElse(0L);
    }

    private static long cpuTicks(long pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
