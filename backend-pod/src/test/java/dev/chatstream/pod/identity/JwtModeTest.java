package dev.chatstream.pod.identity;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.Tokens;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A pod in {@code AUTH_MODE=jwt}: who may call it, how refusals look, and that {@code sub} is the user. */
@Timeout(60)
@WithPod(env = {"AUTH_MODE", "jwt", "AUTH_JWT_SECRET", Tokens.SECRET})
class JwtModeTest {
    private static PodFixture fixture;

    private static String sid() {
        return "s-" + UUID.randomUUID();
    }

    private static void assertUnauthenticated(HttpResponse<String> response, String challenge) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains(challenge);
        assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("unauthenticated");
    }

    @Test
    @DisplayName("a request without a token is 401 unauthenticated with WWW-Authenticate: Bearer")
    void refusesMissingToken() throws Exception {
        assertUnauthenticated(fixture.post("/api/sessions/" + sid() + "/messages", "{\"message\":\"hi\"}"), "Bearer");
        assertUnauthenticated(fixture.get("/api/me"), "Bearer");
    }

    @Test
    @DisplayName("a wrongly signed or malformed token is 401 with error=\"invalid_token\"")
    void refusesBadToken() throws Exception {
        String forged = Tokens.forUser("alice");
        forged = forged.substring(0, forged.length() - 3) + "AAA";
        assertUnauthenticated(fixture.post("/api/sessions/" + sid() + "/messages", "{\"message\":\"hi\"}",
                "Authorization", "Bearer " + forged), "Bearer error=\"invalid_token\"");
        assertUnauthenticated(fixture.post("/api/sessions/" + sid() + "/messages", "{\"message\":\"hi\"}",
                "Authorization", "Bearer not-a-jwt"), "Bearer error=\"invalid_token\"");
    }

    @Test
    @DisplayName("GET /api/me answers the token's sub and the mode")
    void meAnswersTheSubject() throws Exception {
        java.net.http.HttpResponse<String> got = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(fixture.uri("/api/me")).header("Authorization", Tokens.bearer("alice")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new JsonObject(got.body())).isEqualTo(new JsonObject().put("user_id", "alice").put("auth_mode", "jwt"));
    }

    @Test
    @DisplayName("the token's sub becomes user_id of the stored request, whatever the body says")
    void subIsTheUserId() throws Exception {
        String sid = sid();
        HttpResponse<String> response = fixture.post("/api/sessions/" + sid + "/messages",
                "{\"message\":\"hi\",\"user_id\":\"mallory\"}", "Authorization", Tokens.bearer("alice"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JetStreamSubscription sub = fixture.client.jetStream().subscribe(Subjects.workflowExecute(sid),
                PullSubscribeOptions.builder().build());
        Message stored = sub.fetch(1, Duration.ofSeconds(5)).get(0);
        assertThat(MessageCodec.standard().decode(stored.getData(), WorkflowRequest.class).userId()).isEqualTo("alice");
        sub.unsubscribe();
    }

    @Test
    @DisplayName("a stream accepts the token as the access_token query parameter or the chat_token cookie")
    void streamTakesQueryAndCookieTokens() {
        String sid = sid();
        try (SseClient byQuery = fixture.streamPath("/api/sessions/" + sid + "/stream?access_token=" + Tokens.forUser("alice"));
             SseClient byCookie = fixture.stream(sid, "Cookie", "chat_token=" + Tokens.forUser("alice"))) {
            assertThat(byQuery.status()).isEqualTo(200);
            assertThat(byCookie.status()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("another user is refused with 403 forbidden on stream, POST and cancel of a session")
    void anotherUserIsForbidden() throws Exception {
        String sid = sid();
        assertThat(fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"mine\"}",
                "Authorization", Tokens.bearer("alice")).statusCode()).isEqualTo(202);
        HttpResponse<String> post = fixture.post("/api/sessions/" + sid + "/messages", "{\"message\":\"theirs\"}",
                "Authorization", Tokens.bearer("bob"));
        HttpResponse<String> cancel = fixture.post("/api/sessions/" + sid + "/messages/m1/cancel", "",
                "Authorization", Tokens.bearer("bob"));
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(post.body()).getJsonObject("error").getString("code")).isEqualTo("forbidden");
        assertThat(cancel.statusCode()).isEqualTo(403);
        try (SseClient stream = fixture.stream(sid, "Authorization", Tokens.bearer("bob"));
             SseClient resume = fixture.stream(sid, "Authorization", Tokens.bearer("bob"), "Last-Event-ID", "m1:0");
             SseClient owner = fixture.stream(sid, "Authorization", Tokens.bearer("alice"))) {
            assertThat(stream.status()).isEqualTo(403);
            assertThat(resume.status()).isEqualTo(403);
            assertThat(owner.status()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("health and readiness stay open without a token: /api/health on the management port, /readyz on both")
    void healthIsOpen() throws Exception {
        assertThat(fixture.management("/api/health").statusCode()).isEqualTo(200);
        assertThat(fixture.get("/readyz").statusCode()).isEqualTo(200);
    }
}
