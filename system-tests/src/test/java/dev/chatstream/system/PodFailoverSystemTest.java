package dev.chatstream.system;

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

import static dev.chatstream.system.ChunkAssertions.assertComplete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 4, pods: SIGKILL mid-answer and SIGTERM drain, with real pod processes. */
@Tag("slow")
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodFailoverSystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(2, 1,
                Map.of("REGISTRY_REFRESH_INTERVAL", "500ms", "REGISTRY_TTL", "3s", "DRAIN_TIMEOUT", "5s"),
                Map.of("DEMO_TOKEN_DELAY_MS", "15")));

    @Test
    @Order(1)
    @DisplayName("when the client's pod is SIGKILLed mid-answer, it reconnects to the other pod with Last-Event-ID and receives the rest")
    void sigkillMidAnswer() {
        String session = "k-" + UUID.randomUUID().toString().substring(0, 8);
        PodProcess victim = env.cluster().pod(0);
        PodProcess survivor = env.cluster().pod(1);
        try (SseClient client = SseClient.open(env.vertx(), victim.port(), session, null)) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            String messageId = Http.sendMessage(survivor.port(), session, "survive this", 150, null);
            client.awaitChunks(messageId, 20, ANSWER_TIMEOUT);

            victim.kill();
            await().atMost(Duration.ofSeconds(5)).until(client::ended);
            List<SseEvent> before = new ArrayList<>(client.chunks(messageId));
            client.reconnect(survivor.port(), session);
            client.awaitFinal(messageId, ANSWER_TIMEOUT);

            assertComplete(client.chunks(messageId), 150);
            assertThat(before).isNotEmpty();
            // The dead pod's registry entry stops being routed to within its expiry.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !RegistryProbe.livePods(env.vertx(), env.cluster().redis.url(), session).contains(victim.id()));
        } finally {
            victim.start();
        }
    }

    @Test
    @Order(2)
    @DisplayName("SIGTERM: readiness goes false, open streams get a retry hint and are closed, registry entries go, the pod exits in bounded time")
    void sigtermDrains() {
        String session = "t-" + UUID.randomUUID().toString().substring(0, 8);
        PodProcess pod = env.cluster().pod(0);
        try (SseClient client = SseClient.open(env.vertx(), pod.port(), session, null)) {
            RegistryProbe.awaitPods(env.vertx(), env.cluster().redis.url(), session, 1, Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.retryHint() != null);

            long start = System.nanoTime();
            pod.process().signal("TERM");

            await().atMost(Duration.ofSeconds(5)).until(client::ended);
            int exit = pod.process().awaitExit(Duration.ofSeconds(15));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            assertThat(exit).as("exit status after SIGTERM").isIn(0, 143);
            assertThat(RegistryProbe.livePods(env.vertx(), env.cluster().redis.url(), session)).doesNotContain(pod.id());

            client.reconnect(env.cluster().pod(1).port(), session);
            String messageId = Http.sendMessage(env.cluster().pod(1).port(), session, "elsewhere", 5, null);
            client.awaitFinal(messageId, ANSWER_TIMEOUT);
            assertComplete(client.chunks(messageId), 5);
        } finally {
            pod.start();
        }
    }

    @Test
    @Order(3)
    @DisplayName("SIGTERM turns /readyz to 503 before the pod goes away")
    void readinessFlipsFirst() {
        PodProcess pod = env.cluster().pod(1);
        // An open stream keeps the pod draining for a moment, long enough to observe readiness.
        try (SseClient client = SseClient.open(env.vertx(), pod.port(), "ready-" + UUID.randomUUID().toString().substring(0, 8), null)) {
            pod.process().signal("TERM");
            boolean sawNotReady = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline && !sawNotReady) {
                try {
                    sawNotReady = Http.get(pod.port(), "/readyz").status() == 503;
                } catch (RuntimeException connectionRefused) {
                    break;
                }
            }
            pod.process().awaitExit(Duration.ofSeconds(15));
            // The drain (registry removal, streams closed, NATS drained) keeps the HTTP server answering for
            // a while after readiness flipped: a pod that exited without ever saying 503 fails here.
            assertThat(sawNotReady).as("/readyz answered 503 before the pod went away").isTrue();
            assertThat(client.ended()).as("the stream was closed by the drain").isTrue();
        } finally {
            pod.start();
        }
    }
}
