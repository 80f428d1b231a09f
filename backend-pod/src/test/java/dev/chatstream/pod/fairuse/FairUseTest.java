package dev.chatstream.pod.fairuse;

import dev.chatstream.pod.support.PodFixture;
import dev.chatstream.pod.support.SseClient;
import dev.chatstream.pod.support.Tokens;
import dev.chatstream.pod.support.WithPod;
import dev.chatstream.registry.RegistryKeys;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Dispatcher;
import io.nats.client.api.StreamInfo;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-user limits, idempotency and scoped cancel on one pod with small limits, in jwt mode (a fresh user per
 * test). No workers run: accepted answers stay in the ledger until the test removes them as a worker would.
 */
@Timeout(60)
@WithPod(env = {"AUTH_MODE", "jwt", "AUTH_JWT_SECRET", Tokens.SECRET,
        "MAX_ACTIVE_ANSWERS_PER_USER", "2", "MESSAGE_RATE_BURST", "3", "MESSAGE_RATE_PER_SECOND", "0.05",
        "MAX_CONNECTIONS_PER_USER", "2", "REQUESTS_DUPLICATE_WINDOW", "1s"})
class FairUseTest {
    private static PodFixture fixture;
    private static Redis redis;

    @BeforeAll
    static void connectRedis() {
        redis = Redis.createClient(fixture.vertx, fixture.redis.url());
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private static HttpResponse<String> post(String user, String sid, String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = Tokens.bearer(user);
        System.arraycopy(headers, 0, all, 2, headers.length);
        return fixture.post("/api/sessions/" + sid + "/messages", body, all);
    }

    private static String code(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getString("code");
    }

    /** What a worker does when an answer ends. */
    private static void answerEnded(String user, String messageId) throws Exception {
        redis.send(Request.cmd(Command.ZREM).arg(RegistryKeys.activeAnswers(user)).arg(messageId)).await(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("past MAX_ACTIVE_ANSWERS_PER_USER a POST is 429 too_many_active_answers with Retry-After; an ended answer frees a slot")
    void capsActiveAnswers() throws Exception {
        String user = user();
        String sid = "s-" + UUID.randomUUID();
        String first = new JsonObject(post(user, sid, "{\"message\":\"1\"}").body()).getString("message_id");
        assertThat(post(user, sid, "{\"message\":\"2\"}").statusCode()).isEqualTo(202);
        HttpResponse<String> third = post(user, sid, "{\"message\":\"3\"}");
        assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
        assertThat(code(third)).isEqualTo("too_many_active_answers");
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        // Another user is not affected.
        assertThat(post(user(), "s-" + UUID.randomUUID(), "{\"message\":\"x\"}").statusCode()).isEqualTo(202);

        answerEnded(user, first);
        assertThat(post(user, sid, "{\"message\":\"3 again\"}").statusCode()).isEqualTo(202);
    }

    @Test
    @DisplayName("past the message burst a POST is 429 rate_limited with Retry-After in seconds")
    void limitsMessageRate() throws Exception {
        String user = user();
        String sid = "s-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> accepted = post(user, sid, "{\"message\":\"m\"}");
            assertThat(accepted.statusCode()).isEqualTo(202);
            answerEnded(user, new JsonObject(accepted.body()).getString("message_id"));
        }
        HttpResponse<String> limited = post(user, sid, "{\"message\":\"one too many\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(code(limited)).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 21);
    }

    @Test
    @DisplayName("past MAX_CONNECTIONS_PER_USER a stream is 429 too_many_connections; a closed stream frees its slot")
    void capsStreamsPerUser() {
        String user = user();
        String sid = "s-" + UUID.randomUUID();
        String auth = Tokens.bearer(user);
        SseClient one = fixture.stream(sid, "Authorization", auth);
        try (SseClient two = fixture.stream(sid, "Authorization", auth)) {
            assertThat(one.status()).isEqualTo(200);
            assertThat(two.status()).isEqualTo(200);
            try (SseClient three = fixture.stream(sid, "Authorization", auth)) {
                assertThat(three.status()).isEqualTo(429);
                assertThat(three.headers().get("Retry-After")).isNotNull();
            }
            one.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (SseClient again = fixture.stream(sid, "Authorization", auth)) {
                    return again.status() == 200;
                }
            });
        }
    }

    @Test
    @DisplayName("an Idempotency-Key reused with another body is 422 idempotency_key_reused")
    void refusesReusedKeys() throws Exception {
        String user = user();
        String sid = "s-" + UUID.randomUUID();
        assertThat(post(user, sid, "{\"message\":\"a\"}", "Idempotency-Key", "k1").statusCode()).isEqualTo(202);
        HttpResponse<String> reused = post(user, sid, "{\"message\":\"b\"}", "Idempotency-Key", "k1");
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(code(reused)).isEqualTo("idempotency_key_reused");
    }

    @Test
    @DisplayName("a retry after the dedup window gets the same 202 and publishes nothing again")
    void retryAfterDedupWindowIsNotPublished() throws Exception {
        String user = user();
        String sid = "s-" + UUID.randomUUID();
        HttpResponse<String> first = post(user, sid, "{\"message\":\"once\"}", "Idempotency-Key", "retry-me");
        long stored = requests();
        // REQUESTS_DUPLICATE_WINDOW is 1 s here: JetStream alone would store a second copy after it.
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        HttpResponse<String> retry = post(user, sid, "{\"message\":\"once\"}", "Idempotency-Key", "retry-me");
        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(retry.body())).isEqualTo(new JsonObject(first.body()));
        assertThat(requests()).isEqualTo(stored);
    }

    @Test
    @DisplayName("an Idempotency-Key is bound to the user and session that used it first: elsewhere it is 422")
    void keysAreBoundToUserAndSession() throws Exception {
        String owner = user();
        String sid = "s-" + UUID.randomUUID();
        String key = "key-" + UUID.randomUUID();
        HttpResponse<String> first = post(owner, sid, "{\"message\":\"m\"}", "Idempotency-Key", key);
        assertThat(new JsonObject(first.body()).getString("message_id")).isEqualTo(key);
        HttpResponse<String> otherUser = post(user(), "s-" + UUID.randomUUID(), "{\"message\":\"m\"}", "Idempotency-Key", key);
        assertThat(otherUser.statusCode()).isEqualTo(422);
        assertThat(code(otherUser)).isEqualTo("idempotency_key_reused");
        HttpResponse<String> otherSession = post(owner, "s-" + UUID.randomUUID(), "{\"message\":\"m\"}", "Idempotency-Key", key);
        assertThat(otherSession.statusCode()).isEqualTo(422);
        assertThat(post(owner, sid, "{\"message\":\"m\"}", "Idempotency-Key", key).statusCode()).isEqualTo(202);
    }

    @Test
    @DisplayName("a cancel reaches the workers only for an answer of the caller that is generating; others are 404")
    void cancelIsScoped() throws Exception {
        String user = user();
        String sid = "s-" + UUID.randomUUID();
        AtomicInteger forwarded = new AtomicInteger();
        Dispatcher workers = fixture.client.createDispatcher(msg -> forwarded.incrementAndGet());
        workers.subscribe(Subjects.workflowCancel(sid));
        fixture.client.flush(Duration.ofSeconds(2));
        try {
            String mid = new JsonObject(post(user, sid, "{\"message\":\"m\"}").body()).getString("message_id");
            HttpResponse<String> unknown = fixture.post("/api/sessions/" + sid + "/messages/not-sent/cancel", "",
                    "Authorization", Tokens.bearer(user));
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(forwarded.get()).isZero();
            fixture.post("/api/sessions/" + sid + "/messages/" + mid + "/cancel", "", "Authorization", Tokens.bearer(user));
            await().atMost(Duration.ofSeconds(5)).until(() -> forwarded.get() == 1);
        } finally {
            fixture.client.closeDispatcher(workers);
        }
    }

    private static long requests() throws Exception {
        StreamInfo info = fixture.client.jetStreamManagement().getStreamInfo(StreamDefinitions.WORKFLOW_REQUESTS);
        return info.getStreamState().getMsgCount();
    }
}
