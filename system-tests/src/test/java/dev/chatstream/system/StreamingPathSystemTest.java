package dev.chatstream.system;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.HealthResponse;
import dev.chatstream.schemas.HeartbeatMessage;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.chatstream.system.ChunkAssertions.assertComplete;
import static dev.chatstream.system.ChunkAssertions.assertContiguousSuffix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 3 end to end: two pods and two workers as separate processes, real NATS and Redis. */
@Tag("slow")
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamingPathSystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(2, 2, Map.of(), Map.of()));

    @Test
    @Order(1)
    @DisplayName("three SSE clients of one session on two pods each receive every chunk exactly once, in order, ending with one final chunk")
    void everyConnectionGetsEveryChunk() {
        String session = session();
        try (SseClient a1 = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null);
             SseClient a2 = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null);
             SseClient b1 = SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, null)) {
            assertThat(List.of(a1.status(), a2.status(), b1.status())).containsOnly(200);
            awaitRegistered(session, 2);

            String messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "hello", 24, null);

            for (SseClient client : List.of(a1, a2, b1)) {
                client.awaitFinal(messageId, ANSWER_TIMEOUT);
            }
            for (SseClient client : List.of(a1, a2, b1)) {
                assertComplete(client.chunks(messageId), 24);
            }
        }
    }

    @Test
    @Order(2)
    @DisplayName("a tab opened mid-answer on another pod receives the chunks after it joined")
    void tabOpenedMidAnswer() {
        String session = session();
        try (SseClient first = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            awaitRegistered(session, 1);
            String messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "long answer", 150, null);
            first.awaitChunks(messageId, 20, ANSWER_TIMEOUT);

            try (SseClient late = SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, null)) {
                first.awaitFinal(messageId, ANSWER_TIMEOUT);
                late.awaitFinal(messageId, ANSWER_TIMEOUT);
                assertComplete(first.chunks(messageId), 150);
                List<SseEvent> seenLate = late.chunks(messageId);
                assertContiguousSuffix(seenLate, 150);
                assertThat(seenLate.get(0).chunkId()).as("joined after the start").isGreaterThan(0);
            }
        }
    }

    @Test
    @Order(3)
    @DisplayName("twenty requests over two workers: both work, and each request is answered exactly once")
    void twentyRequestsShareTwoWorkers() {
        String session = session();
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, null)) {
            awaitRegistered(session, 1);
            List<String> messageIds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                messageIds.add(Http.sendMessage(env.cluster().pod(i % 2).port(), session, "question " + i, 8, null));
            }
            for (String messageId : messageIds) {
                client.awaitFinal(messageId, ANSWER_TIMEOUT);
            }
            for (String messageId : messageIds) {
                assertComplete(client.chunks(messageId), 8);
            }
            assertThat(client.events().stream().filter(SseEvent::isChunk).filter(SseEvent::isFinal).count()).isEqualTo(20);
            for (WorkerProcess worker : env.cluster().workers) {
                assertThat(completedRequests(worker)).as(worker.id() + " answered some").isGreaterThan(0);
            }
        }
    }

    @Test
    @Order(4)
    @DisplayName("pods answer health requests and publish heartbeats on NATS; /api/health and /metrics answer on the management port")
    void healthAndHeartbeats() throws Exception {
        MessageCodec codec = MessageCodec.standard();
        try (Connection nats = Nats.connect(env.cluster().nats.url())) {
            PodProcess pod = env.cluster().pod(0);
            Message reply = nats.request(Subjects.podHealth(pod.id()), new byte[0], Duration.ofSeconds(5));
            assertThat(reply).isNotNull();
            HealthResponse health = codec.decode(reply.getData(), HealthResponse.class);
            assertThat(health.podId()).isEqualTo(pod.id());
            assertThat(health.status()).isEqualTo(HealthResponse.STATUS_OK);

            Subscription heartbeats = nats.subscribe(Subjects.podHeartbeat(pod.id()));
            Message beat = heartbeats.nextMessage(Duration.ofSeconds(10));
            assertThat(beat).as("a heartbeat within 10 s").isNotNull();
            assertThat(codec.decode(beat.getData(), HeartbeatMessage.class).podId()).isEqualTo(pod.id());
        }
        Http.Response health = Http.get(env.cluster().pod(0).managementPort(), "/api/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().getString("pod_id")).isEqualTo(env.cluster().pod(0).id());
        Http.Response metrics = Http.get(env.cluster().pod(0).managementPort(), "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("chat_sse_connections_active", "chat_messages_accepted_total", "chat_chunks_delivered_total");
    }

    @Test
    @Order(5)
    @DisplayName("bad input gets a JSON 400 or 413 from a pod process, which keeps serving")
    void badInput() {
        int port = env.cluster().pod(1).port();
        for (String badSession : List.of("a.b", "a*b", "a%3Eb", "a%20b", "%C3%A9", "x".repeat(65))) {
            Http.Response post = Http.post(port, "/api/sessions/" + badSession + "/messages", "{\"message\":\"hi\"}", Map.of());
            assertThat(post.status()).as("POST " + badSession).isEqualTo(400);
            assertThat(post.json().getJsonObject("error").getString("code")).isNotBlank();
            assertThat(Http.get(port, "/api/sessions/" + badSession + "/stream").status()).as("GET " + badSession).isEqualTo(400);
        }
        for (String body : List.of("{", "[]", "{}", "{\"message\":5}", "{\"message\":\"\"}")) {
            Http.Response post = Http.post(port, "/api/sessions/ok/messages", body, Map.of());
            assertThat(post.status()).as(body).isEqualTo(400);
            assertThat(post.json().getJsonObject("error").getString("message")).isNotBlank();
        }
        Http.Response big = Http.post(port, "/api/sessions/ok/messages", "{\"message\":\"" + "x".repeat(2_000_000) + "\"}", Map.of());
        assertThat(big.status()).isEqualTo(413);
        assertThat(Http.get(port, "/readyz").status()).isEqualTo(200);
    }

    @Test
    @Order(10)
    @DisplayName("with Redis killed before the POST, broadcast fallback still brings every chunk to both pods")
    void redisDownFallsBackToBroadcast() {
        String session = session();
        try (SseClient a = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null);
             SseClient b = SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, null)) {
            env.cluster().redis.kill();
            try {
                String messageId = Http.sendMessage(env.cluster().pod(1).port(), session, "no registry", 16, null);
                a.awaitFinal(messageId, ANSWER_TIMEOUT);
                b.awaitFinal(messageId, ANSWER_TIMEOUT);
                assertComplete(a.chunks(messageId), 16);
                assertComplete(b.chunks(messageId), 16);
            } finally {
                env.cluster().redis.restart();
            }
        }
    }

    /** Waits until {@code pods} pods have registered the session in Redis, so routing (not broadcast) is exercised. */
    private static void awaitRegistered(String session, int pods) {
        RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, pods, Duration.ofSeconds(10));
    }

    private static double completedRequests(WorkerProcess worker) {
        String metrics = Http.get(worker.port(), "/metrics").body();
        Matcher m = Pattern.compile("(?m)^chat_workflow_requests_total\\{[^}]*}\\s+([0-9.eE+]+)").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static String session() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
