package dev.chatstream.system;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.chatstream.system.ChunkAssertions.assertWholeAnswer;

/**
 * Issue 13: an answer streaming live to two pods while nats-server restarts near its end. What the
 * worker published while a pod was away reaches that pod by no live path; its tail check after the
 * reconnect fetches it from history, so every live stream ends with the final chunk.
 */
@Tag("slow")
@Timeout(180)
class NatsRestartStreamingSystemTest {
    private static final int MAX_TOKENS = 200;

    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() ->
            LocalCluster.start(2, 1, Map.of(), Map.of("DEMO_TOKEN_DELAY_MS", "20")));

    @Test
    @DisplayName("live streams on two pods across a NATS restart near an answer's end receive every chunk, the final one included")
    void liveStreamsSurviveANatsRestart() {
        String session = "nr-" + UUID.randomUUID().toString().substring(0, 8);
        PodProcess first = env.cluster().pod(0);
        PodProcess second = env.cluster().pod(1);
        try (SseClient a = SseClient.open(env.vertx(), first.port(), session, null);
             SseClient b = SseClient.open(env.vertx(), second.port(), session, null)) {
            String messageId = Http.sendMessage(first.port(), session, "long answer", MAX_TOKENS, null);
            a.awaitChunks(messageId, MAX_TOKENS * 3 / 4, Duration.ofSeconds(30));

            env.cluster().nats.kill();
            env.cluster().nats.restart();

            a.awaitFinal(messageId, Duration.ofSeconds(60));
            b.awaitFinal(messageId, Duration.ofSeconds(60));
            assertWholeAnswer(a.chunks(messageId), MAX_TOKENS);
            assertWholeAnswer(b.chunks(messageId), MAX_TOKENS);
        }
    }
}
