package dev.chatstream.system;

import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.chatstream.system.ChunkAssertions.assertComplete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 4: resume on any pod, idempotent POST, cancel, poison messages, Redis recovery — real processes. */
@Tag("slow")
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumeAndMessagesSystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(2, 2,
                Map.of("REGISTRY_REFRESH_INTERVAL", "500ms", "REGISTRY_TTL", "3s"),
                Map.of("DEMO_TOKEN_DELAY_MS", "15", "WORKER_MAX_DELIVER", "2", "WORKER_ACK_WAIT", "5s")));

    @Test
    @Order(1)
    @DisplayName("a client that disconnects mid-answer and resumes on the other pod with Last-Event-ID sees every chunk once, in order")
    void resumeOnAnotherPod() {
        assertComplete(disconnectAndResumeOnTheOtherPod(120, 15), 120);
    }

    @Test
    @Order(2)
    @DisplayName("resuming on a pod the workers do not route to yet, near the end of an answer, still brings its last chunks")
    void resumeNearTheEnd() {
        assertComplete(disconnectAndResumeOnTheOtherPod(60, 50), 60);
    }

    @Test
    @Order(3)
    @DisplayName("a first connection with ?lastEventId= replays a finished answer from history after that cursor")
    void resumeWithQueryParameterAfterTheAnswerEnded() {
        String session = session();
        String messageId;
        try (SseClient live = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "remember me", 30, null);
            live.awaitFinal(messageId, ANSWER_TIMEOUT);
        }
        try (SseClient later = SseClient.openWithQuery(env.vertx(), env.cluster().pod(1).port(), session, messageId + ":9")) {
            later.awaitFinal(messageId, ANSWER_TIMEOUT);
            List<SseEvent> chunks = later.chunks(messageId);
            assertThat(chunks).extracting(SseEvent::chunkId)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(10, 30).boxed().toList());
        }
    }

    @Test
    @Order(3)
    @DisplayName("a cursor that history does not know yields a history_gap system event first, then live chunks")
    void unknownCursorGivesHistoryGap() {
        String session = session();
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, "never-seen:41")) {
            client.awaitEvent(Duration.ofSeconds(10), e -> e.isChunk() && "system".equals(e.chunkType()));
            SseEvent first = client.events().stream().filter(SseEvent::isChunk).findFirst().orElseThrow();
            assertThat(first.json().getString("chunk")).isEqualTo(ResponseChunk.SYSTEM_HISTORY_GAP);

            String messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "after the gap", 5, null);
            client.awaitFinal(messageId, ANSWER_TIMEOUT);
            assertComplete(client.chunks(messageId), 5);
        }
    }

    @Test
    @Order(4)
    @DisplayName("the same Idempotency-Key posted to both pods gives the same message_id and one answer")
    void idempotentAcrossPods() {
        String session = session();
        String key = "key-" + UUID.randomUUID();
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            String first = Http.sendMessage(env.cluster().pod(0).port(), session, "once", 10, key);
            String second = Http.sendMessage(env.cluster().pod(1).port(), session, "once", 10, key);
            assertThat(second).isEqualTo(first).isEqualTo(key);
            client.awaitFinal(first, ANSWER_TIMEOUT);
            // Give a duplicate answer time to show up if there were one.
            String marker = Http.sendMessage(env.cluster().pod(0).port(), session, "marker", 3, null);
            client.awaitFinal(marker, ANSWER_TIMEOUT);
            assertComplete(client.chunks(first), 10);
        }
    }

    @Test
    @Order(5)
    @DisplayName("cancel stops a generation with finish_reason cancelled; cancelling again is 409, an unknown message 404")
    void cancel() {
        String session = session();
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            String messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "stop me", 2000, null);
            client.awaitChunks(messageId, 5, ANSWER_TIMEOUT);

            Http.Response cancel = Http.post(env.cluster().pod(1).port(),
                    "/api/sessions/" + session + "/messages/" + messageId + "/cancel", "", Map.of());
            assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);
            client.awaitFinal(messageId, Duration.ofSeconds(5));
            List<SseEvent> chunks = client.chunks(messageId);
            SseEvent last = chunks.get(chunks.size() - 1);
            assertThat(last.json().getJsonObject("metadata").getString("finish_reason")).isEqualTo("cancelled");
            assertThat(chunks.size()).as("stopped early").isLessThan(2000);
            assertThat(chunks).extracting(SseEvent::chunkId)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, chunks.size()).boxed().toList());

            Http.Response again = Http.post(env.cluster().pod(0).port(),
                    "/api/sessions/" + session + "/messages/" + messageId + "/cancel", "", Map.of());
            assertThat(again.status()).as(again.body()).isEqualTo(409);
            Http.Response unknown = Http.post(env.cluster().pod(0).port(),
                    "/api/sessions/" + session + "/messages/nope-" + UUID.randomUUID().toString().substring(0, 8) + "/cancel", "", Map.of());
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            assertThat(unknown.json().getJsonObject("error").getString("code")).isNotBlank();
        }
    }

    @Test
    @Order(6)
    @DisplayName("an undecodable request goes to CHAT_DLQ with its payload, headers and error; the session gets an error chunk; workers keep going")
    void poisonGoesToDlq() throws Exception {
        String session = session();
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null);
             Connection nats = Nats.connect(env.cluster().natsUrl())) {
            Headers headers = new Headers().add("Nats-Msg-Id", "poison-" + session).add("X-Test", "kept");
            nats.jetStream().publish(NatsMessage.builder().subject(Subjects.workflowExecute(session))
                    .headers(headers).data("{this is not json", StandardCharsets.UTF_8).build());

            JetStreamSubscription dlq = nats.jetStream().subscribe(Subjects.dlq(session),
                    PullSubscribeOptions.builder().stream(StreamDefinitions.CHAT_DLQ).build());
            List<Message> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                dead.addAll(dlq.fetch(1, Duration.ofMillis(500)));
                return !dead.isEmpty();
            });
            Message letter = dead.get(0);
            assertThat(new String(letter.getData(), StandardCharsets.UTF_8)).contains("{this is not json");
            assertThat(letter.getHeaders().getFirst("X-Test")).isEqualTo("kept");
            assertThat(letter.getHeaders().keySet().stream().anyMatch(k -> k.toLowerCase().contains("error"))).isTrue();

            client.awaitEvent(Duration.ofSeconds(10), e -> e.isChunk() && "error".equals(e.chunkType()));

            String messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "still there?", 5, null);
            client.awaitFinal(messageId, ANSWER_TIMEOUT);
            assertComplete(client.chunks(messageId), 5);
        }
    }

    @Test
    @Order(20)
    @DisplayName("after a Redis outage pods re-register their open sessions and routing goes back from broadcast to pod subjects")
    void redisRecovery() throws Exception {
        String session = session();
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, null);
             Connection nats = Nats.connect(env.cluster().natsUrl())) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            env.cluster().redis.kill();
            String during = Http.sendMessage(env.cluster().pod(1).port(), session, "during the outage", 5, null);
            client.awaitFinal(during, ANSWER_TIMEOUT);
            assertComplete(client.chunks(during), 5);

            env.cluster().redis.restart();
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(15));

            Subscription viaPod = nats.subscribe(Subjects.podResponse(env.cluster().pod(1).id()));
            Subscription viaBroadcast = nats.subscribe(Subjects.sessionBroadcast(session));
            nats.flush(Duration.ofSeconds(2));
            // The workers' Redis breaker may need a moment to close again after the outage, and while the pod's
            // heartbeat still says registry_ok=false workers send to the pod AND broadcast: wait for an answer that
            // went by the pod subject only.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                long broadcastsSoFar = viaBroadcast.getPendingMessageCount();
                long podSoFar = viaPod.getPendingMessageCount();
                String messageId = Http.sendMessage(env.cluster().pod(1).port(), session, "after", 3, null);
                client.awaitFinal(messageId, ANSWER_TIMEOUT);
                return viaPod.getPendingMessageCount() > podSoFar && viaBroadcast.getPendingMessageCount() == broadcastsSoFar;
            });
            int broadcastBefore = (int) viaBroadcast.getPendingMessageCount();
            String after = Http.sendMessage(env.cluster().pod(1).port(), session, "routed", 3, null);
            client.awaitFinal(after, ANSWER_TIMEOUT);
            assertComplete(client.chunks(after), 3);
            assertThat(viaBroadcast.getPendingMessageCount()).as("no more broadcast").isEqualTo(broadcastBefore);
        }
    }

    /**
     * Streams an answer of {@code maxTokens} on pod 0, disconnects after {@code seenBefore} chunks and
     * resumes on pod 1 with the last event id, as EventSource does; returns every chunk seen, in order.
     */
    private static List<SseEvent> disconnectAndResumeOnTheOtherPod(int maxTokens, int seenBefore) {
        String session = session();
        List<SseEvent> seen = new ArrayList<>();
        String messageId;
        String lastId;
        try (SseClient first = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "resume me", maxTokens, null);
            first.awaitChunks(messageId, seenBefore, ANSWER_TIMEOUT);
            first.close();
            // One snapshot: the resume cursor is the last chunk counted as seen.
            List<SseEvent> got = first.chunks(messageId);
            seen.addAll(got);
            lastId = got.getLast().id();
        }
        try (SseClient second = SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, lastId)) {
            second.awaitFinal(messageId, ANSWER_TIMEOUT);
            seen.addAll(second.chunks(messageId));
        }
        return seen;
    }

    private static String session() {
        return "r-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
