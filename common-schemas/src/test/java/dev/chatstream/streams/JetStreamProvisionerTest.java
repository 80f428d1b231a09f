package dev.chatstream.streams;

import dev.chatstream.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class JetStreamProvisionerTest {
    private static NatsServer nats;
    private static Connection connection;

    @BeforeAll
    static void startNats() throws Exception {
        nats = NatsServer.start();
        connection = Nats.connect(nats.url());
    }

    @AfterAll
    static void stopNats() throws InterruptedException {
        connection.close();
        nats.close();
    }

    @Test
    @DisplayName("creates the streams and the consumer, then leaves them alone, then updates what changed")
    void idempotent() throws Exception {
        JetStreamManagement jsm = connection.jetStreamManagement();
        for (String stream : jsm.getStreamNames()) {
            jsm.deleteStream(stream);
        }
        JetStreamProvisioner provisioner = new JetStreamProvisioner(jsm);
        StreamSettings settings = StreamSettings.defaults();

        assertThat(provisioner.apply(settings)).extracting(JetStreamProvisioner.Change::outcome)
                .containsOnly(JetStreamProvisioner.Outcome.CREATED);
        assertThat(provisioner.apply(settings)).extracting(JetStreamProvisioner.Change::outcome)
                .containsOnly(JetStreamProvisioner.Outcome.UNCHANGED);

        List<JetStreamProvisioner.Change> changed = provisioner.apply(
                settings.withHistoryMaxMsgsPerSubject(500).withAckWait(Duration.ofSeconds(12), 3));
        assertThat(changed).containsExactly(
                new JetStreamProvisioner.Change(StreamDefinitions.WORKFLOW_REQUESTS, JetStreamProvisioner.Outcome.UNCHANGED),
                new JetStreamProvisioner.Change(StreamDefinitions.CHAT_HISTORY, JetStreamProvisioner.Outcome.UPDATED),
                new JetStreamProvisioner.Change(StreamDefinitions.CHAT_DLQ, JetStreamProvisioner.Outcome.UNCHANGED),
                new JetStreamProvisioner.Change(StreamDefinitions.CHAT_CONVERSATIONS, JetStreamProvisioner.Outcome.UNCHANGED),
                new JetStreamProvisioner.Change(StreamDefinitions.WORKFLOW_WORKERS, JetStreamProvisioner.Outcome.UPDATED));

        StreamInfo history = jsm.getStreamInfo(StreamDefinitions.CHAT_HISTORY);
        assertThat(history.getConfiguration().getMaxMsgsPerSubject()).isEqualTo(500);
        assertThat(jsm.getStreamInfo(StreamDefinitions.WORKFLOW_REQUESTS).getConfiguration().getRetentionPolicy())
                .isEqualTo(RetentionPolicy.WorkQueue);
        assertThat(jsm.getConsumerInfo(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.WORKFLOW_WORKERS)
                .getConsumerConfiguration().getMaxDeliver()).isEqualTo(3);
    }

    @Test
    @DisplayName("two instances provisioning at once both succeed")
    void concurrentStart() throws Exception {
        StreamSettings settings = StreamSettings.defaults();
        try (Connection other = Nats.connect(nats.url())) {
            Thread a = Thread.ofVirtual().start(() -> applyQuietly(connection, settings));
            Thread b = Thread.ofVirtual().start(() -> applyQuietly(other, settings));
            a.join();
            b.join();
        }
        assertThat(connection.jetStreamManagement().getStreamNames())
                .contains(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.CHAT_HISTORY, StreamDefinitions.CHAT_DLQ);
    }

    private static void applyQuietly(Connection c, StreamSettings settings) {
        try {
            new JetStreamProvisioner(c.jetStreamManagement()).apply(settings);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
