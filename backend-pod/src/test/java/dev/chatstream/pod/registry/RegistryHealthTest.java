package dev.chatstream.pod.registry;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.schemas.HeartbeatMessage;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * A pod whose registry writes fail says so in its heartbeats, so workers add the session broadcast and its
 * streams still get their chunks while the registry no longer names it.
 */
@Timeout(60)
@WithPod
class RegistryHealthTest {
    private static PodFixture fixture;

    private static Boolean nextRegistryOk(Subscription heartbeats) throws InterruptedException {
        Message beat = heartbeats.nextMessage(Duration.ofSeconds(2));
        return beat == null ? null : MessageCodec.standard().decode(beat.getData(), HeartbeatMessage.class).registryOk();
    }

    @Test
    @DisplayName("heartbeats carry registry_ok false while Redis refuses the pod's writes, and true once it takes them again")
    void heartbeatsReportRegistryHealth() throws Exception {
        Subscription heartbeats = fixture.client.subscribe(Subjects.podHeartbeat(fixture.podId()));
        fixture.client.flush(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(nextRegistryOk(heartbeats)));

        fixture.redis.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(nextRegistryOk(heartbeats)));

        fixture.redis.restart();
        await().atMost(Duration.ofSeconds(15)).until(() -> Boolean.TRUE.equals(nextRegistryOk(heartbeats)));
        heartbeats.unsubscribe();
    }
}
