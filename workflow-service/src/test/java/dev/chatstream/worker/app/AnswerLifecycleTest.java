package dev.chatstream.worker.app;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.config.Env;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.WorkerHeaders;
import dev.chatstream.worker.config.ConsumerSettings;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.CrashedWorker;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One worker, real NATS, registry off (broadcast), a 1 s requests duplicate window, answers of at
 * most 2 s, and an
 * OpenAI-compatible provider played by a local HTTP server that reports an impossible token count.
 */
@Timeout(120)
class AnswerLifecycleTest {
    private static final MessageCodec CODEC = MessageCodec.standard();
    private static NatsServer nats;
    private static Connection nc;
    private static JetStream js;
    private static Vertx vertx;
    private static HttpServer openAi;
    private static WorkflowApp worker;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        js = nc.jetStream();
        vertx = Vertx.vertx();
        int port = FreePorts.next();
        openAi = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            req.response().write("data: {\"model\":\"fake\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n");
            // 2^31 and more: intValue() wrapped it to a negative count, which failed the final chunk.
            req.response().write("data: {\"model\":\"fake\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"completion_tokens\":4294967297}}\n\n");
            req.response().end("data: [DONE]\n\n");
        })).listen(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
        env = TestWorkers.env(nats.url(), null);
        env.put("REQUESTS_DUPLICATE_WINDOW", "1s");
        env.put("ANSWER_MAX_DURATION", "2s");
        env.put("OPENAI_API_KEY", "test-key");
        env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1");
        worker = TestWorkers.start(env);
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (openAi != null) {
            openAi.close();
        }
        vertx.close();
        nc.close();
        nats.close();
    }

    @Test
    @DisplayName("a request published again after the duplicate window is acknowledged without a second answer")
    void answeredOnceBeyondTheDuplicateWindow() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest request = Requests.demo(sid, 3);
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            publishAndAwaitFinal(broadcast, request);
            assertNothingPending();

            publishAgainAfterTheWindow(request);
            assertThat(alreadyFinished()).isGreaterThanOrEqualTo(1);
            assertAnsweredOnce(broadcast, request);
        }
    }

    @Test
    @DisplayName("a first delivery whose answered marker cannot be read finds the final chunk in history and is not answered again")
    void unreadableMarkerFallsBackToHistory() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest request = Requests.demo(sid, 3);
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            publishAndAwaitFinal(broadcast, request);
            assertNothingPending();
            double alreadyFinished = alreadyFinished();
            // The marker bucket gone (as while its stream elects a leader): the copy below is a first delivery.
            nc.keyValueManagement().delete(StreamDefinitions.ANSWERED);
            try {
                publishAgainAfterTheWindow(request);
            } finally {
                nc.keyValueManagement().create(StreamDefinitions.answeredMarkers(
                        StreamSettings.fromEnv(new Env(env)), ConsumerSettings.DEFAULT_ANSWERED_TTL));
            }
            assertThat(alreadyFinished()).isGreaterThan(alreadyFinished);
            assertAnsweredOnce(broadcast, request);
        }
    }

    @Test
    @DisplayName("a redelivered request whose first attempt streamed nothing starts at chunk 0 without a restart notice")
    void noRestartNoticeWhenNothingStreamed() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest request = Requests.demo(sid, 4);
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            worker.stop();
            try {
                CrashedWorker.takeFirstDelivery(nats.url(), js, request);
            } finally {
                worker = TestWorkers.start(env);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> broadcast.hasFinal(request.messageId()));
            List<ResponseChunk> chunks = broadcast.chunks(request.messageId());
            assertThat(chunks).extracting(ResponseChunk::chunkType).doesNotContain(ChunkType.SYSTEM);
            assertThat(chunks).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(0, 4).boxed().toList());
            assertThat(broadcast.batches(request.messageId()))
                    .allSatisfy(b -> assertThat(b.header(ChunkHeaders.ATTEMPT)).isEqualTo("2"));
        }
    }

    @Test
    @DisplayName("a provider reporting more than 2^31 tokens ends the answer normally with the count clamped, and the worker serves on")
    void hugeTokenCountIsClamped() {
        String sid = Requests.id("s");
        WorkflowRequest request = new WorkflowRequest(Requests.id("m"), sid, null, "hello",
                new WorkflowContext("openai", null, null, 16, null, List.of()), Instant.now(), Requests.id("c"));
        WorkflowRequest next = Requests.demo(sid, 2);
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            publishAndAwaitFinal(broadcast, request);
            ResponseChunk last = broadcast.chunks(request.messageId()).getLast();
            assertThat(last.chunkType()).isNotEqualTo(ChunkType.ERROR);
            assertThat(last.metadata().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(last.metadata().tokensUsed()).isEqualTo(Integer.MAX_VALUE);

            publishAndAwaitFinal(broadcast, next);
        }
    }

    @Test
    @DisplayName("an answer that outlasts ANSWER_MAX_DURATION is stopped with an answer_timeout error chunk and acked")
    void answerTimeout() {
        String sid = Requests.id("s");
        WorkflowRequest endless = Requests.demo(sid, 5_000); // 10 s at 2 ms per token
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, endless);
            await().atMost(Duration.ofSeconds(15)).until(() -> broadcast.hasFinal(endless.messageId()));
            ResponseChunk last = broadcast.chunks(endless.messageId()).getLast();
            assertThat(last.chunkType()).isEqualTo(ChunkType.ERROR);
            assertThat(last.error().code()).isEqualTo("answer_timeout");
            assertThat(broadcast.chunks(endless.messageId())).hasSizeLessThan(5_001);
            assertNothingPending();
        }
    }

    @Test
    @DisplayName("a poison request published as a pod does (Nats-Expected-Stream) lands in CHAT_DLQ with its error and delivery count")
    void podPoisonLandsInDlq() throws Exception {
        String sid = Requests.id("s");
        String poisonId = Requests.id("m");
        JetStreamSubscription dlq = js.subscribe(Subjects.dlq(sid), PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_DLQ).ordered(true).build());
        try {
            byte[] payload = "{\"message_id\": 42, not json".getBytes(StandardCharsets.UTF_8);
            js.publish(Subjects.workflowExecute(sid), new Headers().put(ChunkHeaders.NATS_MSG_ID, poisonId), payload,
                    PublishOptions.builder().expectedStream(StreamDefinitions.WORKFLOW_REQUESTS).build());
            Message dead = dlq.nextMessage(Duration.ofSeconds(10));
            assertThat(dead).as("dead letter").isNotNull();
            assertThat(dead.getData()).isEqualTo(payload);
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.ERROR_CODE)).isEqualTo("undecodable_request");
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.DELIVERY_COUNT)).isEqualTo("1");
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.ORIGINAL_MSG_ID)).isEqualTo(poisonId);
            assertNothingPending();
        } finally {
            dlq.unsubscribe();
        }
    }

    private static void publishAndAwaitFinal(ChunkProbe broadcast, WorkflowRequest request) {
        Requests.publish(js, request);
        await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(request.messageId()));
    }

    /**
     * Publishes {@code request} again under the same Idempotency-Key (message id) until, the window passed,
     * JetStream takes it as new; then waits for the worker to settle that copy.
     */
    private static void publishAgainAfterTheWindow(WorkflowRequest request) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> !publishAgain(request).isDuplicate());
        assertNothingPending();
    }

    private static PublishAck publishAgain(WorkflowRequest request) throws Exception {
        return js.publish(Subjects.workflowExecute(request.sessionId()),
                new Headers().put(ChunkHeaders.NATS_MSG_ID, request.messageId()), CODEC.encode(request));
    }

    private static double alreadyFinished() {
        return worker.meters().counter("chat.workflow.requests", "outcome", "already_finished").count();
    }

    /** The broadcast carried the answer once: chunks 0 to 3, none twice. */
    private static void assertAnsweredOnce(ChunkProbe broadcast, WorkflowRequest request) {
        assertThat(broadcast.chunks(request.messageId())).extracting(ResponseChunk::chunkId)
                .containsExactly(0L, 1L, 2L, 3L);
    }

    private static void assertNothingPending() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo(StreamDefinitions.WORKFLOW_REQUESTS,
                    StreamDefinitions.WORKFLOW_WORKERS);
            assertThat(info.getNumAckPending()).isZero();
            assertThat(info.getNumPending()).isZero();
        });
    }
}
