package dev.chatstream.system;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.chatstream.system.ChunkAssertions.assertComplete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 4, NATS down: fail fast, keep streams, carry on after it returns, lose no accepted request. */
@Tag("slow")
@Timeout(120)
class NatsOutageSystemTest {
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(1, 0, Map.of(), Map.of("DEMO_TOKEN_DELAY_MS", "5")));

    @Test
    @DisplayName("NATS down: POST is 503 at once, streams stay open; after NATS returns everything carries on and the accepted request is answered")
    void natsOutage() {
        String session = "n-" + UUID.randomUUID().toString().substring(0, 8);
        PodProcess pod = env.cluster().pod(0);
        try (SseClient client = SseClient.open(env.vertx(), pod.port(), session, null)) {
            // Accepted while no worker runs: it waits in the file-stored work queue through the outage.
            String accepted = Http.sendMessage(pod.port(), session, "accepted before", 10, null);

            env.cluster().nats.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(pod.port(), "/readyz").status() == 503);
            long start = System.nanoTime();
            Http.Response refused = Http.post(pod.port(), "/api/sessions/" + session + "/messages", "{\"message\":\"during\"}", Map.of());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isNotBlank();
            assertThat(refused.json().getJsonObject("error").getString("message")).isNotBlank();
            assertThat(took).as("fails fast").isLessThan(Duration.ofSeconds(2));
            assertThat(client.ended()).as("stream stays open").isFalse();

            env.cluster().nats.restart();
            await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(pod.port(), "/readyz").status() == 200);
            env.cluster().newWorker("worker-late").start();

            client.awaitFinal(accepted, Duration.ofSeconds(30));
            assertComplete(client.chunks(accepted), 10);
            String after = Http.sendMessage(pod.port(), session, "after", 4, null);
            client.awaitFinal(after, Duration.ofSeconds(30));
            assertComplete(client.chunks(after), 4);
        }
    }
}
