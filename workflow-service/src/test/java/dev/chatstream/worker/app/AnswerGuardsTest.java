package dev.chatstream.worker.app;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.registry.RegistryKeys;
import dev.chatstream.schemas.CancelReply;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.testkit.RedisServer;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.RespClient;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's guards around an answer, in-process against real nats-server and redis-server and a
 * local HTTP server speaking the OpenAI wire: provider policy, error hygiene, scoped cancel, and the
 * release of the user's active-answer ledger entry.
 */
@Timeout(120)
class AnswerGuardsTest {
    private static final String SECRET = "SECRET-MARKER-7f3a9c";
    private static final MessageCodec CODEC = MessageCodec.standard();

    private static NatsServer nats;
    private static RedisServer redis;
    private static RespClient redisCli;
    private static Vertx vertx;
    private static HttpServer fakeOpenAi;
    private static final AtomicInteger providerCalls = new AtomicInteger();
    private static WorkflowApp worker;
    private static Connection nc;
    private static JetStream js;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        redis = RedisServer.start();
        redisCli = new RespClient(redis.port());
        vertx = Vertx.vertx();
        int port = FreePorts.next();
        // Every call is refused with a body a provider might send: it quotes our key.
        fakeOpenAi = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            providerCalls.incrementAndGet();
            req.response().setStatusCode(401).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"message\":\"Incorrect API key provided: " + SECRET + "\","
                            + "\"type\":\"invalid_request_error\"}}");
        }));
        fakeOpenAi.listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);

        Map<String, String> env = TestWorkers.env(nats.url(), redis.url());
        env.put("OPENAI_API_KEY", "sk-test");
        env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1");
        env.put("OPENAI_MODEL", "gpt-good");
        env.put("MAX_TOKENS_CEILING", "3000");
        worker = TestWorkers.start(env);
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        js = nc.jetStream();
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (nc != null) {
            nc.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (redis != null) {
            redis.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static WorkflowRequest request(String sid, String messageId, String userId, String provider, String model,
                                           int maxTokens) {
        return new WorkflowRequest(messageId, sid, userId, "hello",
                new WorkflowContext(provider, model, null, maxTokens, null, List.of()), Instant.now(), Requests.id("c"));
    }

    private static ResponseChunk finalChunk(ChunkProbe probe, String messageId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> probe.hasFinal(messageId));
        return probe.chunks(messageId).getLast();
    }

    private static CompletableFuture<Message> cancel(String subjectSession, String bodySession, String messageId) {
        return nc.request(Subjects.workflowCancel(subjectSession),
                CODEC.encode(new CancelRequest(bodySession, messageId, Instant.now())));
    }

    @Test
    @DisplayName("a model outside the allow-list ends with one model_not_allowed error chunk, without a provider call or an echo of the model")
    void refusesModelNotAllowed() {
        String sid = Requests.id("s");
        int callsBefore = providerCalls.get();
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = request(sid, Requests.id("m"), null, "openai", "gpt-secret-preview", 5);
            Requests.publish(js, request);

            ResponseChunk last = finalChunk(broadcast, request.messageId());

            assertThat(broadcast.chunks(request.messageId())).hasSize(1);
            assertThat(last.chunkType()).isEqualTo(ChunkType.ERROR);
            assertThat(last.error().code()).isEqualTo("model_not_allowed");
            assertThat(new String(CODEC.encode(last), StandardCharsets.UTF_8)).doesNotContain("gpt-secret-preview");
            assertThat(providerCalls).hasValue(callsBefore);
        }
    }

    @Test
    @DisplayName("a provider's error body never reaches the stream: the chunk carries provider_error and a fixed text")
    void providerErrorBodyStaysInTheLog() {
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = request(sid, Requests.id("m"), null, "openai", null, 5);
            Requests.publish(js, request);

            ResponseChunk last = finalChunk(broadcast, request.messageId());

            assertThat(last.error().code()).isEqualTo("provider_error");
            assertThat(broadcast.batches(request.messageId())).allSatisfy(batch -> assertThat(batch.chunks())
                    .allSatisfy(chunk -> assertThat(new String(CODEC.encode(chunk), StandardCharsets.UTF_8))
                            .doesNotContain(SECRET).doesNotContain("Incorrect API key")));
        }
    }

    @Test
    @DisplayName("max_tokens above MAX_TOKENS_CEILING is clamped: the demo streams the ceiling's count")
    void clampsMaxTokens() {
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = request(sid, Requests.id("m"), null, "demo", null, 3500);
            Requests.publish(js, request);

            finalChunk(broadcast, request.messageId());

            assertThat(broadcast.chunks(request.messageId())).hasSize(3001);
        }
    }

    @Test
    @DisplayName("a cancel naming another session does not stop an answer with that message id")
    void cancelOfAnotherSessionIsIgnored() {
        String sid = Requests.id("s");
        String otherSid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = request(sid, Requests.id("m"), null, "demo", null, 400);
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.chunks(request.messageId()).size() >= 3);

            assertThat(cancel(otherSid, otherSid, request.messageId())).failsWithin(Duration.ofSeconds(1));

            ResponseChunk last = finalChunk(broadcast, request.messageId());
            assertThat(last.metadata().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(broadcast.chunks(request.messageId())).hasSize(401);
        }
    }

    @Test
    @DisplayName("a cancel whose body names another session than its subject is ignored")
    void cancelWithMismatchedSubjectIsIgnored() {
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = request(sid, Requests.id("m"), null, "demo", null, 400);
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.chunks(request.messageId()).size() >= 3);

            assertThat(cancel(Requests.id("s"), sid, request.messageId())).failsWithin(Duration.ofSeconds(1));

            assertThat(finalChunk(broadcast, request.messageId()).metadata().finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    @DisplayName("a cancel heard before pickup does not pre-cancel a request of another session with the same message id")
    void rememberedCancelIsScopedToItsSession() {
        String sid = Requests.id("s");
        String messageId = Requests.id("m");
        String otherSid = Requests.id("s");
        assertThat(cancel(otherSid, otherSid, messageId)).failsWithin(Duration.ofSeconds(1));
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = request(sid, messageId, null, "demo", null, 5);
            Requests.publish(js, request);

            assertThat(finalChunk(broadcast, messageId).metadata().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(broadcast.chunks(messageId)).hasSize(6);
        }
    }

    @Test
    @DisplayName("when the final chunk is recorded, the worker removes the message from its user's active-answer ledger")
    void releasesLedgerEntryAtTheEnd() {
        String sid = Requests.id("s");
        String user = Requests.id("u");
        String key = RegistryKeys.activeAnswers(user);
        WorkflowRequest request = request(sid, Requests.id("m"), user, "demo", null, 5);
        long expires = System.currentTimeMillis() + 600_000;
        redisCli.command("ZADD", key, Long.toString(expires), request.messageId(), Long.toString(expires), "other-answer");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, request);
            finalChunk(broadcast, request.messageId());
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> redisCli.integer("ZCARD", key) == 1);
        assertThat(redisCli.integer("ZRANK", key, "other-answer")).isZero();
    }

    @Test
    @DisplayName("a cancelled answer is released from the ledger too")
    void releasesLedgerEntryOfCancelledAnswer() throws Exception {
        String sid = Requests.id("s");
        String user = Requests.id("u");
        String key = RegistryKeys.activeAnswers(user);
        WorkflowRequest request = request(sid, Requests.id("m"), user, "demo", null, 2000);
        redisCli.command("ZADD", key, Long.toString(System.currentTimeMillis() + 600_000), request.messageId());
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.chunks(request.messageId()).size() >= 3);
            Message reply = cancel(sid, sid, request.messageId()).get(5, TimeUnit.SECONDS);
            assertThat(CODEC.decode(reply.getData(), CancelReply.class).status()).isEqualTo(CancelReply.CANCELLED);
            finalChunk(broadcast, request.messageId());
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> redisCli.integer("ZCARD", key) == 0);
    }
}
