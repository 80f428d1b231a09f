package dev.chatstream.system;

import dev.chatstream.system.NodeClient.AiSdk;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, the AI SDK chat API against two real pods in {@code AUTH_MODE=jwt}: the real {@code ai} npm
 * package ({@code DefaultChatTransport}, {@code readUIMessageStream}) run by Node, compared with what the native
 * SSE stream of the same session carries. Each client scenario runs with ai@5 and with ai@6 (both pinned in
 * {@code node/package.json}).
 */
@Tag("slow")
@Timeout(180)
class AiSdkSystemTest {
    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(2, 1,
            Map.of("AUTH_MODE", "jwt", "AUTH_JWT_SECRET", Tokens.SECRET, "REGISTRY_REFRESH_INTERVAL", "500ms"),
            Map.of("DEMO_TOKEN_DELAY_MS", "40")));

    @BeforeAll
    static void installClient() {
        NodeClient.install();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AiSdk.class)
    @DisplayName("DefaultChatTransport.sendMessages gets the whole answer, with the native stream's text, each part once")
    void sendMessagesGetsTheWholeAnswer(AiSdk sdk) {
        String session = "ai-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Tokens.forUser("alice-" + session);
        try (SseClient nativeStream = SseClient.openAs(env.vertx(), env.cluster().pod(1).port(), session, token, null)) {
            JsonObject result = NodeClient.run(sdk, "send", base(0), session, token, "hello from the AI SDK");

            String messageId = result.getString("messageId");
            nativeStream.awaitFinal(messageId, java.time.Duration.ofSeconds(30));
            assertThat(result.getString("text")).isNotEmpty().isEqualTo(NodeClient.textOf(nativeStream.chunks(messageId)));
            JsonObject types = result.getJsonObject("types");
            assertThat(types.getMap()).containsEntry("start", 1).containsEntry("text-start", 1).containsEntry("text-end", 1)
                    .containsEntry("finish", 1).doesNotContainKeys("error", "abort", "onError");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AiSdk.class)
    @DisplayName("a fetch aborted mid-answer, then reconnectToStream on the other pod, gets the answer whole and once")
    void abortedFetchResumesOnTheOtherPod(AiSdk sdk) {
        String session = "ai-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Tokens.forUser("bob-" + session);
        try (SseClient nativeStream = SseClient.openAs(env.vertx(), env.cluster().pod(1).port(), session, token, null)) {
            JsonObject result = NodeClient.run(sdk, "abort-then-resume", base(0), base(1), session, token, "resume me", "3");

            JsonObject resumed = result.getJsonObject("resumed");
            assertThat(resumed).as("the answer was still streaming when the client came back: %s", result).isNotNull();
            String messageId = resumed.getString("messageId");
            nativeStream.awaitFinal(messageId, java.time.Duration.ofSeconds(30));
            String whole = NodeClient.textOf(nativeStream.chunks(messageId));
            assertThat(result.getString("beforeAbort")).isNotEmpty().hasSizeLessThan(whole.length());
            assertThat(resumed.getString("text")).isEqualTo(whole);
            assertThat(resumed.getJsonObject("types").getMap()).containsEntry("start", 1).containsEntry("finish", 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AiSdk.class)
    @DisplayName("reconnectToStream after the answer ended gets 204, which the transport turns into null")
    void reconnectAfterTheEndGetsNothing(AiSdk sdk) {
        String session = "ai-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Tokens.forUser("carol-" + session);
        NodeClient.run(sdk, "send", base(1), session, token, "short");

        JsonObject result = NodeClient.run(sdk, "resume", base(0), session, token);

        assertThat(result.containsKey("resumed")).as("result %s", result).isTrue();
        assertThat(result.getValue("resumed")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AiSdk.class)
    @DisplayName("POST /api/chat/{id}/stop ends the streaming answer: the AI SDK stream ends with abort, not finish")
    void stopEndsTheAnswerWithAbort(AiSdk sdk) {
        String session = "ai-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Tokens.forUser("dave-" + session);
        int[] stopStatus = new int[1];

        JsonObject result = NodeClient.run(sdk, () -> stopStatus[0] = Http.post(env.cluster().pod(1).port(),
                        "/api/chat/" + session + "/stop", "", Map.of("Authorization", "Bearer " + token)).status(),
                "send-until-stopped", base(0), session, token, "stop me");

        assertThat(stopStatus[0]).isEqualTo(202);
        assertThat(result.getJsonObject("types").getMap()).containsEntry("abort", 1).doesNotContainKey("finish");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AiSdk.class)
    @DisplayName("when the pod serving the POST is killed mid-answer, reconnectToStream on the other pod gets the answer whole")
    void podKilledMidAnswerResumesOnTheOtherPod(AiSdk sdk) {
        String session = "ai-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Tokens.forUser("erin-" + session);
        PodProcess victim = env.cluster().pod(0);
        try (SseClient nativeStream = SseClient.openAs(env.vertx(), env.cluster().pod(1).port(), session, token, null)) {
            JsonObject result = NodeClient.run(sdk, victim::kill, "lose-then-resume", base(0), base(1), session, token,
                    "survive this", "3");

            JsonObject resumed = result.getJsonObject("resumed");
            assertThat(resumed).as("the answer was still streaming when the client came back: %s", result).isNotNull();
            String messageId = resumed.getString("messageId");
            nativeStream.awaitFinal(messageId, java.time.Duration.ofSeconds(30));
            assertThat(resumed.getString("text")).isEqualTo(NodeClient.textOf(nativeStream.chunks(messageId)));
            assertThat(resumed.getJsonObject("types").getMap()).containsEntry("start", 1).containsEntry("finish", 1);
        } finally {
            victim.start();
        }
    }

    @Test
    @DisplayName("another user's session is 403 on every AI SDK route, and a caller without identity is 401")
    void sameOwnershipAsTheNativeApi() {
        String session = "ai-" + UUID.randomUUID().toString().substring(0, 8);
        String owner = Tokens.forUser("frank-" + session);
        String other = Tokens.forUser("mallory-" + session);
        int port = env.cluster().pod(0).port();
        assertThat(Http.postAs(port, owner, session, "mine", 2).status()).isEqualTo(202);
        String body = chatBody(session, "let me in");

        assertThat(Http.post(port, "/api/chat", body, Map.of("Authorization", "Bearer " + other)).status()).isEqualTo(403);
        assertThat(Http.get(port, "/api/chat/" + session + "/stream?access_token=" + other).status()).isEqualTo(403);
        assertThat(Http.post(port, "/api/chat/" + session + "/stop", "", Map.of("Authorization", "Bearer " + other)).status())
                .isEqualTo(403);
        assertThat(Http.post(port, "/api/chat", body, Map.of()).status()).isEqualTo(401);
    }

    @Test
    @DisplayName("a chat body whose id is not a session id is refused with 400 invalid_session_id")
    void invalidChatId() {
        Http.Response response = Http.post(env.cluster().pod(0).port(), "/api/chat", chatBody("a.b", "hi"),
                Map.of("Authorization", "Bearer " + Tokens.forUser("grace")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().getJsonObject("error").getString("code")).isEqualTo("invalid_session_id");
    }

    private static String chatBody(String id, String text) {
        return new JsonObject().put("id", id).put("trigger", "submit-message").put("messages", new io.vertx.core.json.JsonArray()
                .add(new JsonObject().put("id", "u1").put("role", "user").put("parts", new io.vertx.core.json.JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", text))))).encode();
    }

    private static String base(int pod) {
        return "http://127.0.0.1:" + env.cluster().pod(pod).port();
    }
}
