package dev.chatstream.system;

import dev.chatstream.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, worker side, across processes: a pod and a worker as separate JVMs, real NATS and Redis,
 * and a local HTTP server in this JVM speaking the OpenAI chat-completions stream. One client's bad
 * model must not open the provider circuit breaker for everyone else.
 */
@Tag("slow")
@Timeout(180)
class ProviderPolicySystemTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final String GOOD = "gpt-good";
    /** Allowed by the operator, but the provider no longer serves it: every call is a 404. */
    private static final String RETIRED = "gpt-retired";
    private static final AtomicInteger providerCalls = new AtomicInteger();
    private static Vertx fakeVertx;

    @RegisterExtension
    static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(1, 1, Map.of(), Map.of(
            "AI_PROVIDER", "openai",
            "OPENAI_BASE_URL", "http://127.0.0.1:" + startFakeOpenAi() + "/v1",
            "OPENAI_MODEL", GOOD,
            "OPENAI_MODELS", RETIRED,
            "PROVIDER_BREAKER_MAX_FAILURES", "5",
            "PROVIDER_BREAKER_RESET", "60s")));

    /** Streams "Hello world" for the good model; answers 404 model_not_found, as OpenAI does, for any other. */
    private static int startFakeOpenAi() {
        fakeVertx = Vertx.vertx();
        int port = FreePorts.next();
        HttpServer server = fakeVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            providerCalls.incrementAndGet();
            String model = new JsonObject(body).getString("model");
            if (GOOD.equals(model)) {
                req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                for (String token : List.of("Hello", " world")) {
                    req.response().write("data: {\"model\":\"gpt-good\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                            + token + "\"},\"finish_reason\":null}]}\n\n");
                }
                req.response().end("data: {\"model\":\"gpt-good\",\"choices\":[{\"index\":0,\"delta\":{},"
                        + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
            } else {
                req.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"message\":\"The model `" + model + "` does not exist or you do not have "
                                + "access to it.\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}");
            }
        }));
        try {
            server.listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("fake provider did not start", e);
        }
        return port;
    }

    @AfterAll
    static void stopFake() throws Exception {
        if (fakeVertx != null) {
            fakeVertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @DisplayName("20 answers for a model the provider rejects leave the breaker closed: another client's answer right after is normal")
    void badModelDoesNotOpenTheBreaker() {
        int port = env.cluster().pod(0).port();
        String badSession = session();
        String goodSession = session();
        try (SseClient bad = SseClient.open(env.vertx(), port, badSession, null);
             SseClient good = SseClient.open(env.vertx(), port, goodSession, null)) {
            assertThat(List.of(bad.status(), good.status())).containsOnly(200);
            int callsBefore = providerCalls.get();

            for (int i = 0; i < 20; i++) {
                String messageId = post(port, badSession, RETIRED);
                bad.awaitFinal(messageId, ANSWER_TIMEOUT);
                SseEvent error = bad.chunks(messageId).getLast();
                assertThat(error.chunkType()).isEqualTo("error");
                assertThat(error.json().getJsonObject("error").getString("code")).isEqualTo("provider_error");
                assertThat(error.data()).doesNotContain("model_not_found").doesNotContain("does not exist");
            }
            assertThat(providerCalls.get() - callsBefore).as("every bad request reached the provider").isEqualTo(20);

            String messageId = post(port, goodSession, null);
            good.awaitFinal(messageId, ANSWER_TIMEOUT);

            List<SseEvent> chunks = good.chunks(messageId);
            assertThat(chunks).extracting(SseEvent::chunkType).containsExactly("content", "content", "metadata");
            assertThat(chunks.getLast().json().getJsonObject("metadata").getString("finish_reason")).isEqualTo("stop");
            assertThat(chunks.get(0).json().getString("chunk") + chunks.get(1).json().getString("chunk"))
                    .isEqualTo("Hello world");
        }
    }

    @Test
    @DisplayName("a model outside the allow-list ends with model_not_allowed and never reaches the provider")
    void modelOutsideAllowListIsRefused() {
        int port = env.cluster().pod(0).port();
        String session = session();
        try (SseClient client = SseClient.open(env.vertx(), port, session, null)) {
            int callsBefore = providerCalls.get();

            String messageId = post(port, session, "gpt-unlisted");
            client.awaitFinal(messageId, ANSWER_TIMEOUT);

            SseEvent error = client.chunks(messageId).getLast();
            assertThat(error.json().getJsonObject("error").getString("code")).isEqualTo("model_not_allowed");
            assertThat(error.data()).doesNotContain("gpt-unlisted");
            assertThat(providerCalls.get()).isEqualTo(callsBefore);
        }
    }

    private static String post(int port, String session, String model) {
        JsonObject context = new JsonObject().put("ai_provider", "openai").put("max_tokens", 16);
        if (model != null) {
            context.put("model", model);
        }
        Http.Response response = Http.post(port, "/api/sessions/" + session + "/messages",
                new JsonObject().put("message", "hi").put("context", context).encode(), Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().getString("message_id");
    }

    private static String session() {
        return "s-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
