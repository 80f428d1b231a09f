package dev.chatstream.system;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 4: a three-node JetStream cluster with 3 replicas loses a node under load; no accepted message is lost. */
@Tag("slow")
@Timeout(180)
class NatsNodeLossSystemTest {
    private static final int SESSIONS = 6;

    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.startOnNatsCluster(2, 2, Map.of(), Map.of("DEMO_TOKEN_DELAY_MS", "5")));

    @Test
    @DisplayName("one NATS node killed under load: every accepted message gets a complete answer")
    void nodeLossUnderLoad() throws Exception {
        // Several sessions, each watched on both pods: BUSY_POLICY=queue answers one session's messages one after
        // the other, and this test is about the node loss, not about one session's queue.
        List<String> sessions = new ArrayList<>();
        for (int k = 0; k < SESSIONS; k++) {
            sessions.add("c-" + UUID.randomUUID().toString().substring(0, 8));
        }
        Map<String, String> sessionOf = new java.util.LinkedHashMap<>();
        int refused = 0;
        int acceptedAfterKill = 0;
        long killAt = 0;
        List<SseClient> clients = new ArrayList<>();
        try {
            for (String session : sessions) {
                clients.add(SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null));
                clients.add(SseClient.open(env.vertx(), env.cluster().pod(1).port(), session, null));
            }
            // Load before the kill, then keep posting for 12 s after it: during the JetStream leader
            // election a POST may be refused with 503 (never accepted and then lost).
            for (int i = 0; killAt == 0 || System.nanoTime() - killAt < Duration.ofSeconds(12).toNanos(); i++) {
                if (i == 15) {
                    env.cluster().natsCluster.node(0).kill();
                    killAt = System.nanoTime();
                }
                String session = sessions.get(i % SESSIONS);
                Http.Response response = Http.post(env.cluster().pod(i % 2).port(), "/api/sessions/" + session + "/messages",
                        "{\"message\":\"m" + i + "\",\"context\":{\"ai_provider\":\"demo\",\"max_tokens\":12}}", Map.of());
                if (response.status() == 202) {
                    sessionOf.put(response.json().getString("message_id"), session);
                    if (killAt != 0) {
                        acceptedAfterKill++;
                    }
                } else {
                    assertThat(response.status()).as(response.body()).isEqualTo(503);
                    refused++;
                }
                Thread.sleep(50);
            }
            assertThat(acceptedAfterKill).as("accepted after the node loss (refused: " + refused + ")").isGreaterThan(5);
            for (Map.Entry<String, String> message : sessionOf.entrySet()) {
                String messageId = message.getKey();
                int first = 2 * sessions.indexOf(message.getValue());
                for (SseClient client : List.of(clients.get(first), clients.get(first + 1))) {
                    client.awaitFinal(messageId, Duration.ofSeconds(60));
                    String seen = client.chunks(messageId).stream().map(c -> c.chunkId() + c.chunkType().substring(0, 1))
                            .toList().toString();
                    org.assertj.core.api.Assertions.assertThatCode(() ->
                                    ChunkAssertions.assertWholeAnswer(client.chunks(messageId), 12))
                            .as("client on " + (client == clients.get(first) ? "pod-1" : "pod-2") + " saw " + seen)
                            .doesNotThrowAnyException();
                }
            }
        } finally {
            clients.forEach(SseClient::close);
        }
    }
}
