package dev.chatstream.worker.app;

import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.WorkerHeaders;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** CHAT_HISTORY cannot be written: the answer fails loudly, is retried with delay, then dead-lettered. */
@Timeout(120)
class HistoryFailureTest {
    private static NatsServer nats;
    private static Connection nc;
    private static JetStream js;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        js = nc.jetStream();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nc != null) {
            nc.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    @DisplayName("history writes failing: an error chunk ends the message, it is retried with delay, then goes to CHAT_DLQ")
    void failsLoudlyThenDeadLetters() throws Exception {
        Map<String, String> env = TestWorkers.env(nats.url(), null);
        env.put("WORKER_MAX_DELIVER", "2");
        env.put("HISTORY_PUBLISH_ATTEMPTS", "2");
        env.put("HISTORY_RETRY_BACKOFF", "10ms");
        try (WorkflowApp worker = TestWorkers.start(env)) {
            nc.jetStreamManagement().deleteStream(StreamDefinitions.CHAT_HISTORY);
            String sid = Requests.id("s");
            JetStreamSubscription dlq = js.subscribe(Subjects.dlq(sid), PushSubscribeOptions.builder()
                    .stream(StreamDefinitions.CHAT_DLQ).ordered(true).build());
            try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
                WorkflowRequest request = Requests.demo(sid, 5);
                Requests.publish(js, request);

                Message dead = dlq.nextMessage(Duration.ofSeconds(20));
                assertThat(dead).as("dead letter").isNotNull();
                assertThat(dead.getHeaders().getFirst(WorkerHeaders.DELIVERY_COUNT)).isEqualTo("2");
                assertThat(dead.getHeaders().getFirst(WorkerHeaders.ERROR_CODE)).startsWith("history_");
                await().atMost(Duration.ofSeconds(5)).until(() -> broadcast.chunks(request.messageId()).stream()
                        .anyMatch(c -> c.chunkType() == ChunkType.ERROR && c.isFinal()));
                ResponseChunk error = broadcast.chunks(request.messageId()).stream()
                        .filter(c -> c.chunkType() == ChunkType.ERROR).findFirst().orElseThrow();
                assertThat(error.error().code()).startsWith("history_");
                assertThat(worker.meters().counter("chat.workflow.requests", "outcome", "dead_lettered").count()).isEqualTo(1);
            } finally {
                dlq.unsubscribe();
            }
        }
    }
}
