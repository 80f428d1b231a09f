package dev.chatstream.pod.resume;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/** A client that left costs nothing more: no lag retry, tail check or repair reads history for it. */
@Timeout(60)
@WithPod
class ClosedClientReplayTest {
    private static final String HISTORY_READS = "chat_nats_received_total{kind=\"history\"}";
    private static PodFixture fixture;

    @Test
    @DisplayName("a resumed client that closes while its answer is unfinished stops every history read for it")
    void closedClientStopsReplays() throws Exception {
        String sid = "c-" + UUID.randomUUID().toString().substring(0, 8);
        // An answer that never finishes and never arrives live: every tail check of the stream would repair it.
        fixture.toHistory(sid, "m", 0, 1, List.of("a", "b", "c"));
        SseClient client = fixture.stream(sid, "Last-Event-ID", "m:0");
        await().atMost(Duration.ofSeconds(5)).until(() -> client.chunkIds().contains("m:2"));
        // The first tail check (1.5 s after the replay) repairs from history: the stream is being watched.
        double beforeRepair = fixture.metric(HISTORY_READS);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.metric(HISTORY_READS) > beforeRepair);
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.pod.router().connectionCount() == 0);

        double afterClose = fixture.metric(HISTORY_READS);
        await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6))
                .until(() -> fixture.metric(HISTORY_READS) == afterClose);
    }
}
