package dev.chatstream.system;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15 §2, {@code BUSY_POLICY}: a message that arrives while its session's previous answer still streams,
 * across real pods and workers. Two pods keep the default ({@code queue}), a third runs {@code interrupt}, a
 * fourth {@code reject} (the pod that accepts a message decides). Each worker streams one answer at a time
 * ({@code WORKER_CONCURRENCY=1}), so the second message of a session is taken by the other worker while the
 * first streams: the two workers must agree through JetStream alone.
 */
@Tag("slow")
@Timeout(300)
class BusyPolicySystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(2, 2, Map.of(),
            Map.of("WORKER_CONCURRENCY", "1", "DEMO_TOKEN_DELAY_MS", "20")));
    private static PodProcess interruptPod;
    private static PodProcess rejectPod;

    @BeforeAll
    static void startPolicyPods() {
        CompletableFuture<PodProcess> interrupt = CompletableFuture.supplyAsync(
                () -> env.cluster().startPod("pod-interrupt", Map.of("BUSY_POLICY", "interrupt")));
        CompletableFuture<PodProcess> reject = CompletableFuture.supplyAsync(
                () -> env.cluster().startPod("pod-reject", Map.of("BUSY_POLICY", "reject")));
        interruptPod = interrupt.join();
        rejectPod = reject.join();
    }

    @Test
    @DisplayName("queue: two messages posted back to back through two pods are answered one after the other, both whole")
    void queueAnswersOneAfterTheOther() {
        String session = session("q");
        try (SseClient stream = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            // ~3 s of tokens: the second message reaches the other worker while the first still streams.
            String first = Http.sendMessage(env.cluster().pod(0).port(), session, "first", 150, null);
            String second = Http.sendMessage(env.cluster().pod(1).port(), session, "second", 10, null);

            stream.awaitFinal(second, ANSWER_TIMEOUT);
            stream.awaitFinal(first, ANSWER_TIMEOUT);
            ChunkAssertions.assertComplete(stream.chunks(first), 150);
            ChunkAssertions.assertComplete(stream.chunks(second), 10);
            assertThat(stream.events()).filteredOn(SseEvent::isChunk).extracting(SseEvent::chunkType)
                    .as("no restart or error notices").doesNotContain("system", "error");
            assertThat(firstChunkIndex(stream, second)).as("the second answer's first chunk comes after the first's final chunk")
                    .isGreaterThan(finalChunkIndex(stream, first));
            assertThat(env.cluster().workers).as("the other worker held the second message while the first streamed")
                    .anyMatch(w -> logLine(w, second, "busy_policy queue: waiting"));

            // The second answer started after the first one's assistant turn was kept: its context held it.
            JsonArray turns = awaitTurns(env.cluster().pod(1).port(), session, 4);
            assertThat(turns.stream().map(t -> ((JsonObject) t).getString("message_id") + "/" + ((JsonObject) t).getString("role")))
                    .containsExactly(first + "/user", first + "/assistant", second + "/user", second + "/assistant");
        }
    }

    @Test
    @DisplayName("interrupt: the streaming answer ends cancelled, then the new message is answered whole")
    void interruptCancelsThenAnswers() {
        String session = session("i");
        int port = interruptPod.port();
        try (SseClient stream = SseClient.open(env.vertx(), port, session, null)) {
            String first = Http.sendMessage(port, session, "a long one", 500, null);
            stream.awaitChunks(first, 5, ANSWER_TIMEOUT);
            String second = Http.sendMessage(port, session, "stop that, answer this", 10, null);

            stream.awaitFinal(second, ANSWER_TIMEOUT);
            List<SseEvent> interrupted = stream.chunks(first);
            SseEvent end = interrupted.get(interrupted.size() - 1);
            assertThat(end.isFinal()).as("the first answer ended").isTrue();
            assertThat(end.json().getJsonObject("metadata").getString("finish_reason")).isEqualTo("cancelled");
            assertThat(interrupted).filteredOn(c -> "content".equals(c.chunkType())).as("cut short").hasSizeLessThan(500);
            ChunkAssertions.assertComplete(interrupted, interrupted.size() - 1);
            ChunkAssertions.assertComplete(stream.chunks(second), 10);
            assertThat(stream.chunks(second).get(10).json().getJsonObject("metadata").getString("finish_reason"))
                    .isEqualTo("stop");
            assertThat(firstChunkIndex(stream, second)).isGreaterThan(finalChunkIndex(stream, first));
        }
    }

    @Test
    @DisplayName("reject: a message while the answer streams is 409 session_busy on both chat APIs, and the answer goes on whole")
    void rejectRefusesWhileBusy() {
        String session = session("r");
        int port = rejectPod.port();
        try (SseClient stream = SseClient.open(env.vertx(), port, session, null)) {
            String first = Http.sendMessage(port, session, "busy", 100, null);
            stream.awaitChunks(first, 3, ANSWER_TIMEOUT);

            Http.Response nativePost = post(port, session, "me too");
            assertThat(nativePost.status()).as(nativePost.body()).isEqualTo(409);
            assertThat(nativePost.json().getJsonObject("error").getString("code")).isEqualTo("session_busy");
            assertThat(nativePost.header("Retry-After")).isNotNull();
            Http.Response aiSdkPost = Http.post(port, "/api/chat", chatBody(session, "and me"), Map.of());
            assertThat(aiSdkPost.status()).as(aiSdkPost.body()).isEqualTo(409);
            assertThat(aiSdkPost.json().getJsonObject("error").getString("code")).isEqualTo("session_busy");

            stream.awaitFinal(first, ANSWER_TIMEOUT);
            ChunkAssertions.assertComplete(stream.chunks(first), 100);
            assertThat(stream.events()).filteredOn(SseEvent::isChunk).extracting(SseEvent::messageId)
                    .as("nothing of the refused messages was published").containsOnly(first);

            // Once the answer has ended, the session takes a message again.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> post(port, session, "now?").status() == 202);
        }
    }

    private static Http.Response post(int port, String session, String text) {
        JsonObject body = new JsonObject().put("message", text)
                .put("context", new JsonObject().put("ai_provider", "demo").put("max_tokens", 2));
        return Http.post(port, "/api/sessions/" + session + "/messages", body.encode(), Map.of());
    }

    private static String chatBody(String id, String text) {
        return new JsonObject().put("id", id).put("trigger", "submit-message").put("messages", new JsonArray()
                .add(new JsonObject().put("id", "u1").put("role", "user").put("parts", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", text))))).encode();
    }

    private static int firstChunkIndex(SseClient stream, String messageId) {
        List<SseEvent> events = stream.events();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).isChunk() && messageId.equals(events.get(i).messageId())) {
                return i;
            }
        }
        throw new AssertionError("no chunk of " + messageId);
    }

    private static int finalChunkIndex(SseClient stream, String messageId) {
        List<SseEvent> events = stream.events();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).isChunk() && messageId.equals(events.get(i).messageId()) && events.get(i).isFinal()) {
                return i;
            }
        }
        throw new AssertionError("no final chunk of " + messageId);
    }

    private static boolean logLine(WorkerProcess worker, String messageId, String text) {
        return worker.process().log().lines().anyMatch(line -> line.contains(messageId) && line.contains(text));
    }

    private static JsonArray awaitTurns(int port, String session, int count) {
        JsonArray[] turns = new JsonArray[1];
        await().atMost(ANSWER_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Http.Response response = Http.get(port, "/api/sessions/" + session + "/messages");
            turns[0] = response.status() == 200 ? response.json().getJsonArray("messages") : new JsonArray();
            return turns[0].size() >= count;
        });
        return turns[0];
    }

    private static String session(String prefix) {
        return "busy-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
