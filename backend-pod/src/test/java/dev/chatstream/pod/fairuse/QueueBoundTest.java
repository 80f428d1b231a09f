package dev.chatstream.pod.fairuse;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.WithPod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** WORKFLOW_REQUESTS at its bound: the POST is told, never dropped silently. */
@Timeout(60)
@WithPod(env = {"REQUESTS_MAX_MSGS", "2"})
class QueueBoundTest {
    private static PodFixture fixture;

    @Test
    @DisplayName("a POST to a full request queue is 503 queue_full with Retry-After")
    void fullQueueIs503() throws Exception {
        String sid = "s-" + UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            assertThat(fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"m\"}").statusCode()).isEqualTo(202);
        }
        HttpResponse<String> full = fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"m\"}");
        assertThat(full.statusCode()).as(full.body()).isEqualTo(503);
        assertThat(new JsonObject(full.body()).getJsonObject("error").getString("code")).isEqualTo("queue_full");
        assertThat(full.headers().firstValue("Retry-After")).isPresent();
    }
}
