package dev.chatstream.pod.http;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.Tokens;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.schemas.StoredTurn;
import dev.chatstream.subjects.Subjects;
import io.nats.client.PublishOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/sessions/{sid}/messages}: the stored turns of a session, for its owner only. */
@Timeout(60)
@WithPod(env = {"AUTH_MODE", "jwt", "AUTH_JWT_SECRET", Tokens.SECRET})
class TurnsTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static PodFixture fixture;

    private static String sid() {
        return "s-" + UUID.randomUUID();
    }

    /** Writes a turn as a worker does. */
    private static void store(String sid, StoredTurn turn) throws Exception {
        fixture.client.jetStream().publish(Subjects.conversation(sid), MessageCodec.standard().encode(turn),
                PublishOptions.builder().messageId(turn.msgId(sid)).build());
    }

    private static HttpResponse<String> turns(String sid, String user) throws Exception {
        return fixture.get("/api/sessions/" + sid + "/messages", "Authorization", Tokens.bearer(user));
    }

    @Test
    @DisplayName("the owner gets the session's turns oldest first, finish_reason only on assistant turns")
    void ownerGetsTurns() throws Exception {
        String sid = sid();
        assertThat(turns(sid, "alice").statusCode()).isEqualTo(200); // alice opens (owns) the session
        store(sid, StoredTurn.user("m1", "What is NATS?", T0));
        store(sid, StoredTurn.assistant("m1", "A **messaging** system.", "stop", T0.plusSeconds(2)));
        store(sid, StoredTurn.user("m2", "And JetStream?", T0.plusSeconds(5)));

        HttpResponse<String> response = turns(sid, "alice");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("text", "What is NATS?").put("message_id", "m1")
                        .put("timestamp", "2026-12-04T10:00:00Z"))
                .add(new JsonObject().put("role", "assistant").put("text", "A **messaging** system.").put("message_id", "m1")
                        .put("finish_reason", "stop").put("timestamp", "2026-12-04T10:00:02Z"))
                .add(new JsonObject().put("role", "user").put("text", "And JetStream?").put("message_id", "m2")
                        .put("timestamp", "2026-12-04T10:00:05Z"))));
    }

    @Test
    @DisplayName("a session without turns answers an empty list")
    void emptySession() throws Exception {
        HttpResponse<String> response = turns(sid(), "alice");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getJsonArray("messages")).isEmpty();
    }

    @Test
    @DisplayName("another user's request is refused with 403 forbidden and carries no turn")
    void anotherUserIsForbidden() throws Exception {
        String sid = sid();
        assertThat(turns(sid, "alice").statusCode()).isEqualTo(200);
        store(sid, StoredTurn.user("m1", "secret question", T0));

        HttpResponse<String> response = turns(sid, "bob");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("forbidden");
        assertThat(response.body()).doesNotContain("secret question");
    }
}
