package dev.chatstream.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class NatsServerTest {
    private static NatsServer nats;

    @BeforeAll
    static void start() {
        nats = NatsServer.start();
    }

    @AfterAll
    static void stop() {
        nats.close();
    }

    @Test
    @DisplayName("stores one message when the same Nats-Msg-Id is published twice, and delivers it once with an explicit ack")
    void deduplicatesAndAcks() throws Exception {
        try (Connection connection = Nats.connect(nats.url())) {
            JetStreamManagement jsm = connection.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("SELFTEST_DEDUP").subjects("selftest.dedup.>")
                    .storageType(StorageType.File).duplicateWindow(Duration.ofMinutes(1)).build());
            JetStream js = connection.jetStream();

            PublishAck first = js.publish(message("selftest.dedup.a", "id-1", "hello"));
            PublishAck second = js.publish(message("selftest.dedup.a", "id-1", "hello again"));

            assertThat(first.isDuplicate()).isFalse();
            assertThat(second.isDuplicate()).isTrue();
            assertThat(second.getSeqno()).isEqualTo(first.getSeqno());
            assertThat(jsm.getStreamInfo("SELFTEST_DEDUP").getStreamState().getMsgCount()).isEqualTo(1);

            JetStreamSubscription sub = js.subscribe("selftest.dedup.>", PullSubscribeOptions.builder()
                    .durable("selftest").configuration(ConsumerConfiguration.builder().ackPolicy(AckPolicy.Explicit).build()).build());
            List<Message> fetched = sub.fetch(10, Duration.ofSeconds(2));
            assertThat(fetched).hasSize(1);
            assertThat(new String(fetched.get(0).getData(), StandardCharsets.UTF_8)).isEqualTo("hello");
            fetched.get(0).ackSync(Duration.ofSeconds(2));
            assertThat(jsm.getConsumerInfo("SELFTEST_DEDUP", "selftest").getNumAckPending()).isZero();
            assertThat(sub.fetch(10, Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    @DisplayName("keeps file-stored messages across a kill and restart on the same port, and clients reconnect")
    void killAndRestart() throws Exception {
        try (Connection connection = Nats.connect(new io.nats.client.Options.Builder().server(nats.url())
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(100)).build())) {
            connection.jetStreamManagement().addStream(StreamConfiguration.builder().name("SELFTEST_RESTART")
                    .subjects("selftest.restart").storageType(StorageType.File).build());
            connection.jetStream().publish("selftest.restart", "kept".getBytes(StandardCharsets.UTF_8));

            nats.kill();
            assertThat(nats.isRunning()).isFalse();
            nats.restart();

            await().atMost(Duration.ofSeconds(15)).until(() -> connection.getStatus() == Connection.Status.CONNECTED);
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() ->
                    connection.jetStreamManagement().getStreamInfo("SELFTEST_RESTART").getStreamState().getMsgCount() == 1);
        }
    }

    private static Message message(String subject, String id, String body) {
        Headers headers = new Headers().add("Nats-Msg-Id", id);
        return NatsMessage.builder().subject(subject).headers(headers).data(body, StandardCharsets.UTF_8).build();
    }
}
