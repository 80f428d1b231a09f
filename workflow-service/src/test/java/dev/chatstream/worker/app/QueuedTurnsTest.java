package dev.chatstream.worker.app;

import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code BUSY_POLICY=queue} with a session's queue on one worker: its requests answer one after the other, and
 * only the first waiting one reads the queue from JetStream — the others wait for the answer ahead of them to end
 * here. (When every waiting request polled, a load that let sessions' queues grow spent the worker threads and
 * the JetStream API on polls, and TTFT ran to tens of seconds.)
 */
@Timeout(60)
class QueuedTurnsTest {
    private static NatsServer nats;
    private static Connection nc;
    private static JetStream js;
    private static WorkflowApp worker;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(nats.url());
        js = nc.jetStream();
        Map<String, String> env = TestWorkers.env(nats.url(), null);
        env.put("DEMO_TOKEN_DELAY_MS", "10");
        worker = TestWorkers.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        nc.close();
        nats.close();
    }

    @Test
    @DisplayName("a session's queued requests on one worker answer in order, and those behind a local answer do not poll JetStream while it streams")
    void laterRequestsWaitWithoutPolling() {
        String sid = Requests.id("s");
        List<WorkflowRequest> requests = new ArrayList<>();
        requests.add(Requests.demo(sid, 150)); // ~1.5 s: the ones behind it would poll ~6 times each
        for (int i = 0; i < 4; i++) {
            requests.add(Requests.demo(sid, 3));
        }
        double checksBefore = checks();
        try (ChunkProbe session = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            requests.forEach(r -> Requests.publish(js, r));
            await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().allMatch(r -> session.hasFinal(r.messageId())));

            List<String> order = new ArrayList<>();
            for (ResponseChunk chunk : session.all()) {
                if (order.isEmpty() || !order.getLast().equals(chunk.messageId())) {
                    order.add(chunk.messageId());
                }
            }
            assertThat(order).as("one answer after the other, in the order sent")
                    .containsExactlyElementsOf(requests.stream().map(WorkflowRequest::messageId).toList());
        }
        // Polling every waiting request: 4 x ~6 reads while the first streams. Now each later one reads when the
        // answer ahead of it ended here (once, or a few times while that ack reaches the server).
        assertThat(checks() - checksBefore).isLessThanOrEqualTo(12);
    }

    private static double checks() {
        return worker.meters().get("chat.workflow.turn.checks").counter().count();
    }
}
