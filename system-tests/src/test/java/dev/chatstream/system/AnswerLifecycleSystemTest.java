package dev.chatstream.system;

import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.WorkerHeaders;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.chatstream.system.ChunkAssertions.assertComplete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 end to end: two pods and two workers as separate processes with default worker settings
 * (demo at 10 ms per token), a 2 s requests duplicate window.
 */
@Tag("slow")
@Timeout(240)
class AnswerLifecycleSystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(90);
    private static final Map<String, String> SHORT_WINDOW = Map.of("REQUESTS_DUPLICATE_WINDOW", "2s");
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(2, 2, SHORT_WINDOW, SHORT_WINDOW));

    @Test
    @DisplayName("200 messages posted at once over two pods end, each, whole and in order with no system chunk")
    void burstWithoutFaultsHasNoRestarts() throws Exception {
        int sessions = 20;
        int perSession = 10;
        int tokens = 20;
        List<String> sessionIds = new ArrayList<>();
        List<SseClient> clients = new ArrayList<>();
        ExecutorService posting = Executors.newFixedThreadPool(50);
        try {
            for (int i = 0; i < sessions; i++) {
                String session = session();
                sessionIds.add(session);
                clients.add(SseClient.open(env.vertx(), env.cluster().pod(i % 2).port(), session, null));
            }
            for (int i = 0; i < sessions; i++) {
                RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), sessionIds.get(i), 1, Duration.ofSeconds(10));
            }
            List<CompletableFuture<String>> posts = new ArrayList<>();
            for (int i = 0; i < sessions * perSession; i++) {
                String session = sessionIds.get(i % sessions);
                int port = env.cluster().pod((i + 1) % 2).port(); // posted to the pod the stream is not on
                int n = i;
                posts.add(CompletableFuture.supplyAsync(() -> Http.sendMessage(port, session, "burst " + n, tokens, null), posting));
            }
            for (int i = 0; i < posts.size(); i++) {
                String messageId = posts.get(i).join();
                SseClient client = clients.get(i % sessions);
                client.awaitFinal(messageId, ANSWER_TIMEOUT);
                List<SseEvent> chunks = client.chunks(messageId);
                assertThat(chunks).extracting(SseEvent::chunkType).as("no restart or other system notice")
                        .doesNotContain("system");
                assertComplete(chunks, tokens);
            }
        } finally {
            posting.shutdownNow();
            clients.forEach(SseClient::close);
        }
    }

    @Test
    @DisplayName("a poison request published as a pod publishes lands in CHAT_DLQ with its error and delivery count")
    void poisonFromAPodIsDeadLettered() throws Exception {
        String session = session();
        try (Connection nats = Nats.connect(env.cluster().natsUrl())) {
            JetStream js = nats.jetStream();
            JetStreamSubscription dlq = js.subscribe(Subjects.dlq(session), PushSubscribeOptions.builder()
                    .stream(StreamDefinitions.CHAT_DLQ).ordered(true).build());
            byte[] payload = "{\"message_id\": 7, broken".getBytes(StandardCharsets.UTF_8);
            // The headers a pod's publish carries (PodNats): the message id and the expected stream.
            js.publish(Subjects.workflowExecute(session), new Headers().put(ChunkHeaders.NATS_MSG_ID, "m-" + session),
                    payload, PublishOptions.builder().expectedStream(StreamDefinitions.WORKFLOW_REQUESTS).build());
            Message dead = dlq.nextMessage(Duration.ofSeconds(30));
            assertThat(dead).as("dead letter").isNotNull();
            assertThat(dead.getData()).isEqualTo(payload);
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.ERROR_CODE)).isEqualTo("undecodable_request");
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.DELIVERY_COUNT)).isEqualTo("1");
            dlq.unsubscribe();
            awaitNothingPending(nats);
        }
    }

    @Test
    @DisplayName("an Idempotency-Key reused after the duplicate window is accepted again but not answered twice")
    void idempotencyKeyOutlivesTheDuplicateWindow() throws Exception {
        String session = session();
        String key = "k-" + UUID.randomUUID().toString().substring(0, 8);
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null);
             Connection nats = Nats.connect(env.cluster().natsUrl())) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            String messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "once", 5, key);
            client.awaitFinal(messageId, ANSWER_TIMEOUT);
            long before = sequenceOfRequests(nats);

            // The pods remember the key past the window (KV chat_idempotency): a retry on another pod gets the same
            // message id and publishes nothing.
            assertThat(Http.sendMessage(env.cluster().pod(1).port(), session, "once", 5, key)).isEqualTo(messageId);
            // A copy that reaches the queue anyway once the window passed (a publisher retrying on its own):
            // JetStream stores it again, and the workers' answered marker keeps it from being answered twice.
            byte[] copy = dev.chatstream.codec.MessageCodec.standard().encode(new dev.chatstream.schemas.WorkflowRequest(
                    messageId, session, null, "once", new dev.chatstream.schemas.WorkflowContext("demo", null, null, 5, null, List.of()),
                    java.time.Instant.now(), "c-" + messageId));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                nats.jetStream().publish(Subjects.workflowExecute(session), copy,
                        PublishOptions.builder().messageId(messageId).build());
                return sequenceOfRequests(nats) > before;
            });
            awaitNothingPending(nats);
            assertThat(client.chunks(messageId)).filteredOn(SseEvent::isFinal).hasSize(1);
            assertComplete(client.chunks(messageId), 5);
        }
    }

    private static long sequenceOfRequests(Connection nats) throws Exception {
        return nats.jetStreamManagement().getStreamInfo(StreamDefinitions.WORKFLOW_REQUESTS).getStreamState().getLastSequence();
    }

    private static void awaitNothingPending(Connection nats) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            ConsumerInfo info = nats.jetStreamManagement().getConsumerInfo(StreamDefinitions.WORKFLOW_REQUESTS,
                    StreamDefinitions.WORKFLOW_WORKERS);
            assertThat(info.getNumAckPending()).isZero();
            assertThat(info.getNumPending()).isZero();
        });
    }

    private static String session() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
