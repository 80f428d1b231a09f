package dev.chatstream.pod.resume;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.subjects.Subjects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Chunks published while the pod reconnected to NATS reached no one live: they come from history. */
@Timeout(90)
@WithPod
class ReconnectTailTest {
    private static PodFixture fixture;

    @Test
    @DisplayName("a live-only stream whose answer's tail, final chunk included, went out during a NATS restart gets it from history")
    void tailPublishedDuringReconnectArrives() throws Exception {
        String sid = "t-" + UUID.randomUUID().toString().substring(0, 8);
        try (SseClient client = fixture.stream(sid)) {
            fixture.toHistory(sid, "m", 0, 1, List.of("a", "b", "c"));
            fixture.toPod(sid, "m", 0, List.of("a", "b", "c"));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.chunks().size() == 3);

            fixture.nats.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.get("/readyz").statusCode() == 503);
            fixture.nats.restart();
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.get("/readyz").statusCode() == 200);
            // The worker stored the tail; its live publish happened while the pod was away, so no later
            // live batch will ever reveal it missing.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                fixture.client.jetStream().publish(io.nats.client.impl.NatsMessage.builder()
                        .subject(Subjects.history(sid))
                        .headers(fixture.batchHeaders(sid, "m", 3, 2, 1).put("Chat-Final", "true"))
                        .data(fixture.batchBody(sid, "m", 3, List.of("d", "e"))).build());
                return true;
            });

            await().atMost(Duration.ofSeconds(15)).until(() -> client.chunkIds().contains("m:4"));
            assertThat(client.chunkIds()).containsExactlyElementsOf(
                    IntStream.rangeClosed(0, 4).mapToObj(i -> "m:" + i).toList());
        }
    }
}
