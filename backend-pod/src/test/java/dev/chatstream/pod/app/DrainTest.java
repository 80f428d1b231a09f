package dev.chatstream.pod.app;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.RegistryProbe;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
@WithPod
class DrainTest {
    private static PodFixture fixture;

    private static boolean registered(String sid) {
        return RegistryProbe.expiry(fixture, sid) != null;
    }

    @Test
    @DisplayName("draining flips readiness, ends every stream with a retry hint, removes the registry entries; then the pod stops in time")
    void drains() throws Exception {
        SseClient a = fixture.stream("drain-a");
        SseClient b = fixture.stream("drain-a");
        SseClient c = fixture.stream("drain-b");
        await().atMost(Duration.ofSeconds(5)).until(() -> registered("drain-a") && registered("drain-b"));

        fixture.pod.drain(Duration.ofSeconds(3)).await(5, TimeUnit.SECONDS);

        assertThat(fixture.get("/readyz").statusCode()).isEqualTo(503);
        assertThat(fixture.get("/livez").statusCode()).isEqualTo(200);
        for (SseClient client : new SseClient[]{a, b, c}) {
            await().atMost(Duration.ofSeconds(5)).until(client::ended);
            assertThat(client.raw()).endsWith("retry: 1500\n\n");
        }
        assertThat(registered("drain-a")).isFalse();
        assertThat(registered("drain-b")).isFalse();
        var refused = fixture.get("/api/sessions/late/stream");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        long start = System.nanoTime();
        fixture.pod.shutdown();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        fixture.pod = null;
    }
}
