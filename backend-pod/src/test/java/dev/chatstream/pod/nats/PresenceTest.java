package dev.chatstream.pod.nats;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.schemas.HealthResponse;
import dev.chatstream.schemas.HeartbeatMessage;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
@WithPod
class PresenceTest {
    private static final MessageCodec CODEC = MessageCodec.standard();
    private static PodFixture fixture;

    @Test
    @DisplayName("the pod publishes heartbeats on chat.pod.{podId}.heartbeat every HEARTBEAT_INTERVAL")
    void heartbeats() throws Exception {
        Subscription sub = fixture.client.subscribe(Subjects.podHeartbeat(fixture.podId()));
        try (SseClient client = fixture.stream("hb-session")) {
            Message first = sub.nextMessage(Duration.ofSeconds(5));
            Message second = sub.nextMessage(Duration.ofSeconds(5));
            assertThat(first).isNotNull();
            assertThat(second).isNotNull();
            HeartbeatMessage a = CODEC.decode(first.getData(), HeartbeatMessage.class);
            HeartbeatMessage b = CODEC.decode(second.getData(), HeartbeatMessage.class);
            assertThat(a.podId()).isEqualTo(fixture.podId());
            assertThat(Duration.between(a.timestamp(), b.timestamp())).isBetween(Duration.ofMillis(50), Duration.ofSeconds(2));
            assertThat(b.memoryUsageMb()).isPositive();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    CODEC.decode(sub.nextMessage(Duration.ofSeconds(2)).getData(), HeartbeatMessage.class).activeConnections() == 1);
        } finally {
            sub.unsubscribe();
        }
    }

    @Test
    @DisplayName("the pod answers a request on chat.pod.{podId}.health with a HealthResponse")
    void answersHealthRequests() throws Exception {
        Message reply = fixture.client.request(Subjects.podHealth(fixture.podId()), new byte[0], Duration.ofSeconds(5));
        HealthResponse health = CODEC.decode(reply.getData(), HealthResponse.class);
        assertThat(health.podId()).isEqualTo(fixture.podId());
        assertThat(health.status()).isEqualTo(HealthResponse.STATUS_OK);
        assertThat(health.timestamp()).isBefore(Instant.now().plusSeconds(1));
    }

    @Test
    @DisplayName("/livez, /readyz, /api/health and /metrics answer")
    void probes() throws Exception {
        assertThat(fixture.get("/livez").statusCode()).isEqualTo(200);
        assertThat(fixture.get("/readyz").statusCode()).isEqualTo(200);
        HttpResponse<String> health = fixture.management("/api/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(health.body());
        assertThat(body.getString("pod_id")).isEqualTo(fixture.podId());
        assertThat(body.getString("status")).isEqualTo("ok");
        assertThat(body.getJsonObject("nats").getBoolean("connected")).isTrue();
        assertThat(body.getJsonObject("nats").getString("server")).contains(Integer.toString(fixture.nats.port()));
        assertThat(body.getJsonObject("redis").getBoolean("reachable")).isTrue();
        assertThat(body.getInteger("active_connections")).isNotNull();

        HttpResponse<String> metrics = fixture.management("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body()).contains("chat_sse_connections_active", "chat_chunks_delivered_total",
                "chat_chunks_dropped_total{reason=\"slow_client\"}", "chat_messages_accepted_total",
                "chat_chunk_delivery_seconds", "chat_nats_published_total");
        assertThat(fixture.get("/").body()).containsIgnoringCase("<html");
    }
}
