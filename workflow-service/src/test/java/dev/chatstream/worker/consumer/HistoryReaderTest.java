package dev.chatstream.worker.consumer;

import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.JetStreamFixture;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A redelivered request's history read starts near the request, not at the session's first batch. */
@Timeout(60)
class HistoryReaderTest {
    /** Small, so the test need not wait the production margin out between the session's earlier answers and this one. */
    private static final Duration MARGIN = Duration.ofMillis(300);
    @RegisterExtension
    static final JetStreamFixture nats =
            new JetStreamFixture(management -> new JetStreamProvisioner(management).apply(StreamSettings.defaults()));

    /** Stores one batch as a worker does; returns its stream sequence. */
    private static long store(String sid, String mid, long chunkId, long historyStart, boolean last) throws Exception {
        PublishAck ack = nats.jetStream().publish(NatsMessage.builder().subject(Subjects.history(sid))
                .headers(new BatchHeader(sid, mid, chunkId, 1, 1, last, 0, historyStart).toHeaders())
                .data("{}".getBytes(StandardCharsets.UTF_8)).build());
        return ack.getSeqno();
    }

    /** Publishes a request to the work queue and returns when the server stored it, as its metadata will say. */
    private static Instant storedRequest(String sid, String mid) throws Exception {
        PublishAck ack = nats.jetStream().publish(NatsMessage.builder().subject(Subjects.workflowExecute(sid))
                .data(("{\"message_id\":\"" + mid + "\"}").getBytes(StandardCharsets.UTF_8)).build());
        return nats.management().getMessage(StreamDefinitions.WORKFLOW_REQUESTS, ack.getSeqno()).getTime().toInstant();
    }

    @Test
    @DisplayName("a redelivery reads its message's batches from near the request's time, not the session's earlier answers")
    void readsNearTheRequest() throws Exception {
        String sid = "hr-" + UUID.randomUUID().toString().substring(0, 8);
        long earlierLast = 0;
        for (int message = 0; message < 20; message++) {
            for (int chunk = 0; chunk < 10; chunk++) {
                earlierLast = store(sid, "earlier-" + message, chunk, 0, chunk == 9);
            }
        }
        Instant earlierStored = nats.management().getMessage(StreamDefinitions.CHAT_HISTORY, earlierLast).getTime().toInstant();
        await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(earlierStored.plus(MARGIN).plusMillis(50)));
        String mid = "m-" + UUID.randomUUID().toString().substring(0, 8);
        Instant requestStored = storedRequest(sid, mid);
        long first = store(sid, mid, 0, 0, false);
        for (int chunk = 1; chunk < 5; chunk++) {
            store(sid, mid, chunk, first, false);
        }
        HistoryReader reader = new HistoryReader(nats.jetStream(), nats.management(), MARGIN);

        HistoryProgress near = reader.read(sid, mid, requestStored);

        assertThat(reader.messagesRead()).isEqualTo(5);
        assertThat(near).isEqualTo(new HistoryProgress(4, false, first));
        assertThat(reader.read(sid, mid, null)).isEqualTo(near);
        assertThat(reader.messagesRead()).isEqualTo(5 + 205);
    }

    @Test
    @DisplayName("a message with nothing stored reads as none; one stored without chunk 0 or a start header has an unknown start")
    void startOfAMessage() throws Exception {
        String sid = "hr-" + UUID.randomUUID().toString().substring(0, 8);
        HistoryReader reader = new HistoryReader(nats.jetStream(), nats.management(), MARGIN);
        assertThat(reader.read(sid, "nothing", null)).isEqualTo(HistoryProgress.NONE);
        store(sid, "cut", 7, 0, false);
        assertThat(reader.read(sid, "cut", null)).isEqualTo(new HistoryProgress(7, false, -1));
    }
}
