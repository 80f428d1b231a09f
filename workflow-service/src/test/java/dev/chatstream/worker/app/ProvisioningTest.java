package dev.chatstream.worker.app;

import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.JetStreamProvisioner.Outcome;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ProvisioningTest {
    private static NatsServer nats;
    private static Connection nc;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
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
    @DisplayName("a starting worker provisions the streams and the workflow-workers consumer; applying again changes nothing; changed limits update")
    void provisionsIdempotently() throws Exception {
        Map<String, String> env = TestWorkers.env(nats.url(), null);
        TestWorkers.start(env).stop();
        StreamSettings settings = StreamSettings.fromEnv(new dev.chatstream.config.Env(env));
        JetStreamProvisioner provisioner = new JetStreamProvisioner(nc.jetStreamManagement());

        List<JetStreamProvisioner.Change> again = provisioner.apply(settings);
        assertThat(again).extracting(JetStreamProvisioner.Change::outcome).containsOnly(Outcome.UNCHANGED);
        assertThat(again).extracting(JetStreamProvisioner.Change::name).containsExactlyInAnyOrder(
                StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.CHAT_HISTORY, StreamDefinitions.CHAT_DLQ,
                StreamDefinitions.CHAT_CONVERSATIONS, StreamDefinitions.WORKFLOW_WORKERS);
        assertThat(provisioner.apply(settings)).extracting(JetStreamProvisioner.Change::outcome).containsOnly(Outcome.UNCHANGED);

        List<JetStreamProvisioner.Change> changed = provisioner.apply(settings.withHistoryMaxMsgsPerSubject(500));
        assertThat(changed).filteredOn(c -> c.name().equals(StreamDefinitions.CHAT_HISTORY))
                .extracting(JetStreamProvisioner.Change::outcome).containsExactly(Outcome.UPDATED);
        assertThat(nc.jetStreamManagement().getStreamInfo(StreamDefinitions.CHAT_HISTORY).getConfiguration()
                .getMaxMsgsPerSubject()).isEqualTo(500);
    }
}
