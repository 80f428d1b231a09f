package dev.chatstream.system;

import dev.chatstream.schemas.ResponseChunk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 4, workers: SIGKILL mid-answer (redelivery + restart chunk) and SIGTERM (finish or hand back). */
@Tag("slow")
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerFailoverSystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(40);
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(1, 1, Map.of(),
                Map.of("DEMO_TOKEN_DELAY_MS", "20", "WORKER_ACK_WAIT", "2s", "SHUTDOWN_TIMEOUT", "3s")));

    @Test
    @Order(1)
    @DisplayName("a worker killed mid-answer: another worker takes the request, says the answer restarts, and chunk ids go on rising")
    void killedWorkerIsReplaced() {
        String session = "w-" + UUID.randomUUID().toString().substring(0, 8);
        WorkerProcess victim = env.cluster().worker(0);
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            String messageId = Http.sendMessage(env.cluster().pod(0).port(), session, "crash halfway", 100, null);
            client.awaitChunks(messageId, 20, ANSWER_TIMEOUT);
            victim.kill();
            long seenBeforeKill = client.chunks(messageId).size();

            WorkerProcess replacement = env.cluster().newWorker("worker-replacement");
            replacement.start();
            client.awaitFinal(messageId, ANSWER_TIMEOUT);

            List<SseEvent> chunks = client.chunks(messageId);
            // By one within each attempt; the restart notice above every id the killed attempt can have shown.
            ChunkAssertions.assertIdsRiseByOne(chunks);
            List<SseEvent> restarts = chunks.stream().filter(c -> "system".equals(c.chunkType())).toList();
            assertThat(restarts).hasSize(1);
            assertThat(restarts.get(0).json().getString("chunk")).isEqualTo(ResponseChunk.SYSTEM_RESTART);
            assertThat(restarts.get(0).chunkId()).isGreaterThanOrEqualTo(seenBeforeKill - 1);
            long afterRestart = chunks.stream().filter(c -> c.chunkId() > restarts.get(0).chunkId())
                    .filter(c -> "content".equals(c.chunkType())).count();
            assertThat(afterRestart).as("the new attempt streams the whole answer").isEqualTo(100);
            assertThat(chunks.get(chunks.size() - 1).isFinal()).isTrue();
            assertThat(replacement.process().isAlive()).isTrue();
        }
    }

    @Test
    @Order(2)
    @DisplayName("SIGTERM: a worker stops taking requests and finishes or hands back what it has, so every answer completes")
    void sigtermHandsBack() {
        String session = "g-" + UUID.randomUUID().toString().substring(0, 8);
        WorkerProcess leaving = env.cluster().workers.get(env.cluster().workers.size() - 1);
        try (SseClient client = SseClient.open(env.vertx(), env.cluster().pod(0).port(), session, null)) {
            String shortAnswer = Http.sendMessage(env.cluster().pod(0).port(), session, "short", 20, null);
            String longAnswer = Http.sendMessage(env.cluster().pod(0).port(), session, "long", 400, null);
            client.awaitChunks(longAnswer, 5, ANSWER_TIMEOUT);

            leaving.process().signal("TERM");
            int exit = leaving.process().awaitExit(Duration.ofSeconds(15));
            assertThat(exit).as("exited within the bound").isNotEqualTo(-1);

            env.cluster().newWorker("worker-after-term").start();
            client.awaitFinal(shortAnswer, ANSWER_TIMEOUT);
            client.awaitFinal(longAnswer, ANSWER_TIMEOUT);
            for (String messageId : List.of(shortAnswer, longAnswer)) {
                List<SseEvent> chunks = client.chunks(messageId);
                ChunkAssertions.assertIdsRiseByOne(chunks);
                assertThat(chunks).filteredOn(SseEvent::isFinal).hasSize(1);
            }
        }
    }
}
