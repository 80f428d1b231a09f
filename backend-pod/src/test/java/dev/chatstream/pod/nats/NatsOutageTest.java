package dev.chatstream.pod.nats;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.WithPod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(90)
@WithPod
class NatsOutageTest {
    private static PodFixture fixture;

    @Test
    @DisplayName("while NATS is down POST fails fast with 503 + Retry-After, readiness is false, open streams stay open; after it returns all works again")
    void failsFastAndRecovers() throws Exception {
        String sid = "n-" + UUID.randomUUID().toString().substring(0, 8);
        try (SseClient client = fixture.stream(sid)) {
            assertThat(fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"before\"}").statusCode()).isEqualTo(202);

            fixture.nats.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.get("/readyz").statusCode() == 503);

            long start = System.nanoTime();
            HttpResponse<String> refused = fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"during\"}",
                    "Idempotency-Key", "during-" + sid);
            long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code")).isEqualTo("nats_unavailable");
            assertThat(tookMillis).as("fails fast").isLessThan(1000);

            HttpResponse<String> cancel = fixture.post("/api/sessions/" + sid + "/messages/m1/cancel", "");
            assertThat(cancel.statusCode()).isEqualTo(503);

            JsonObject health = new JsonObject(fixture.management("/api/health").body());
            assertThat(health.getJsonObject("nats").getBoolean("connected")).isFalse();
            assertThat(health.getString("status")).isEqualTo("degraded");
            assertThat(fixture.get("/livez").statusCode()).isEqualTo(200);
            assertThat(client.ended()).as("stream stays open").isFalse();

            fixture.nats.restart();
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.get("/readyz").statusCode() == 200);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"after\"}",
                            "Idempotency-Key", "during-" + sid).statusCode() == 202);

            // The pod's subscriptions came back with the connection.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                fixture.toPod(sid, "m", 0, List.of("again"));
                return !client.chunks().isEmpty();
            });
            assertThat(client.ended()).isFalse();
        }
    }
}
