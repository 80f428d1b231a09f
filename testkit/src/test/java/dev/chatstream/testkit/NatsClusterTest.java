package dev.chatstream.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Tag("slow")
@Timeout(120)
class NatsClusterTest {

    @Test
    @DisplayName("three routed nodes hold a 3-replica stream that keeps accepting writes when one node is killed")
    void replicatedStreamSurvivesNodeLoss() throws Exception {
        try (NatsCluster cluster = NatsCluster.start(3);
             Connection connection = Nats.connect(new Options.Builder().servers(cluster.urls().split(","))
                     .maxReconnects(-1).reconnectWait(Duration.ofMillis(100)).build())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                connection.jetStreamManagement().addStream(StreamConfiguration.builder().name("SELFTEST_R3")
                        .subjects("selftest.r3").storageType(StorageType.File).replicas(3).build());
                return true;
            });
            JetStream js = connection.jetStream();
            js.publish("selftest.r3", "one".getBytes(StandardCharsets.UTF_8));

            cluster.node(0).kill();

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                js.publish("selftest.r3", "two".getBytes(StandardCharsets.UTF_8));
                return true;
            });
            StreamInfo info = connection.jetStreamManagement().getStreamInfo("SELFTEST_R3");
            assertThat(info.getConfiguration().getReplicas()).isEqualTo(3);
            assertThat(info.getStreamState().getMsgCount()).isGreaterThanOrEqualTo(2);

            cluster.node(0).restart();
            cluster.awaitHealthy(Duration.ofSeconds(30));
        }
    }
}
