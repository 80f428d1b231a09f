package dev.chatstream.worker.app;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.registry.RegistryKeys;
import dev.chatstream.schemas.CancelReply;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.testkit.RedisServer;
import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.WorkerHeaders;
import dev.chatstream.worker.provider.DemoProvider;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.RespClient;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One worker in-process against a real nats-server and redis-server; a test subscriber plays the pod. */
@Timeout(120)
class WorkflowServiceTest {
    private static NatsServer nats;
    private static RedisServer redis;
    private static WorkflowApp worker;
    private static Connection nc;
    private static JetStream js;
    private static RespClient redisCli;
    private static final MessageCodec CODEC = MessageCodec.standard();

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        redis = RedisServer.start();
        redisCli = new RespClient(redis.port());
        Map<String, String> env = TestWorkers.env(nats.url(), redis.url());
        env.put("HEARTBEAT_STALE_AFTER", "500ms");
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
        if (redis != null) {
            redis.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static List<ResponseChunk> replayHistory(String sessionId, String messageId) throws Exception {
        JetStreamSubscription sub = js.subscribe(Subjects.history(sessionId), PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_HISTORY).ordered(true).build());
        List<ResponseChunk> chunks = new ArrayList<>();
        try {
            for (Message msg = sub.nextMessage(Duration.ofSeconds(1)); msg != null; msg = sub.nextMessage(Duration.ofMillis(300))) {
                if (messageId.equals(msg.getHeaders().getFirst(ChunkHeaders.MESSAGE_ID))) {
                    ChunkBatch.forEach(msg.getData(), (i, body, off, len) ->
                            chunks.add(CODEC.decode(body, off, len, ResponseChunk.class)));
                }
            }
        } finally {
            sub.unsubscribe();
        }
        return chunks;
    }

    @Test
    @DisplayName("streams exactly max_tokens content chunks and one final chunk, ids 0..max_tokens, to the pod named in Redis")
    void routesToRegisteredPod() throws Exception {
        String sid = Requests.id("s");
        String pod = Requests.id("pod");
        redisCli.registerPod(RegistryKeys.sessionPods(sid), pod, 15_000);
        try (ChunkProbe podProbe = new ChunkProbe(nc, Subjects.podResponse(pod));
             ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 10);
            String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
            Requests.publish(js, request, new Headers().put(ChunkHeaders.TRACEPARENT, traceparent));

            await().atMost(Duration.ofSeconds(10)).until(() -> podProbe.hasFinal(request.messageId()));
            List<ResponseChunk> chunks = podProbe.chunks(request.messageId());

            assertThat(chunks).extracting(ResponseChunk::chunkId).containsExactlyElementsOf(LongStream.rangeClosed(0, 10).boxed().toList());
            assertThat(chunks.subList(0, 10)).allSatisfy(c -> {
                assertThat(c.chunkType()).isEqualTo(ChunkType.CONTENT);
                assertThat(c.isFinal()).isFalse();
                assertThat(c.chunk()).isEqualTo(DemoProvider.token((int) c.chunkId()));
                assertThat(c.correlationId()).isEqualTo(request.correlationId());
            });
            ResponseChunk last = chunks.get(10);
            assertThat(last.isFinal()).isTrue();
            assertThat(last.metadata().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(chunks).filteredOn(ResponseChunk::isFinal).hasSize(1);
            assertThat(broadcast.all()).isEmpty();

            ChunkProbe.Batch first = podProbe.batches(request.messageId()).get(0);
            assertThat(first.header(ChunkHeaders.SESSION_ID)).isEqualTo(sid);
            assertThat(first.header(ChunkHeaders.FIRST_CHUNK_ID)).isEqualTo("0");
            assertThat(first.header(ChunkHeaders.CHUNK_COUNT)).isEqualTo(String.valueOf(first.chunks().size()));
            assertThat(first.header(ChunkHeaders.ATTEMPT)).isEqualTo("1");
            assertThat(first.header(ChunkHeaders.CORRELATION_ID)).isEqualTo(request.correlationId());
            assertThat(first.header(ChunkHeaders.TRACEPARENT)).as("trace context carried on").contains("0af7651916cd43dd8448eb211c80319c");
            assertThat(Long.parseLong(first.header(dev.chatstream.wire.ChunkHeaders.PUBLISHED_AT)))
                    .isCloseTo(first.receivedAtMicros(), org.assertj.core.data.Offset.offset(5_000_000L));
            ChunkProbe.Batch lastBatch = podProbe.batches(request.messageId()).getLast();
            assertThat(lastBatch.header(ChunkHeaders.FINAL)).isEqualTo("true");
        }
    }

    @Test
    @DisplayName("records every chunk in CHAT_HISTORY exactly once and in order, and acks the request")
    void recordsHistory() throws Exception {
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 25);
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(request.messageId()));
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(replayHistory(sid, Requests.demo(sid, 1).sessionId()).size()).isGreaterThanOrEqualTo(0));
        // history holds ids 0..25 once each, in order
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<ResponseChunk> history = replayHistoryOf(sid);
            assertThat(history).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(0, 25).boxed().toList());
        });
        await().atMost(Duration.ofSeconds(5)).until(() ->
                nc.jetStreamManagement().getConsumerInfo(StreamDefinitions.WORKFLOW_REQUESTS,
                        StreamDefinitions.WORKFLOW_WORKERS).getNumAckPending() == 0);
    }

    private static List<ResponseChunk> replayHistoryOf(String sid) throws Exception {
        JetStreamSubscription sub = js.subscribe(Subjects.history(sid), PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_HISTORY).ordered(true).build());
        List<ResponseChunk> chunks = new ArrayList<>();
        try {
            for (Message msg = sub.nextMessage(Duration.ofSeconds(1)); msg != null; msg = sub.nextMessage(Duration.ofMillis(300))) {
                ChunkBatch.forEach(msg.getData(), (i, body, off, len) ->
                        chunks.add(CODEC.decode(body, off, len, ResponseChunk.class)));
            }
        } finally {
            sub.unsubscribe();
        }
        return chunks;
    }

    @Test
    @DisplayName("broadcasts to the session when Redis names no pod for it")
    void broadcastsWithoutRegistryEntry() {
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 5);
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(request.messageId()));
            assertThat(broadcast.chunks(request.messageId())).hasSize(6);
        }
    }

    @Test
    @DisplayName("skips a pod whose heartbeats stopped although its registry entry is still valid")
    void skipsStalePod() throws Exception {
        String sid = Requests.id("s");
        String alive = Requests.id("pod");
        String dead = Requests.id("pod");
        redisCli.registerPod(RegistryKeys.sessionPods(sid), alive, 15_000);
        redisCli.registerPod(RegistryKeys.sessionPods(sid), dead, 15_000);
        nc.publish(Subjects.podHeartbeat(dead), "{}".getBytes(StandardCharsets.UTF_8));
        nc.publish(Subjects.podHeartbeat(alive), "{}".getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofMillis(800).toNanos();
        // the live pod keeps beating; the dead one has gone silent for longer than HEARTBEAT_STALE_AFTER (500 ms)
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).until(() -> {
            nc.publish(Subjects.podHeartbeat(alive), "{}".getBytes(StandardCharsets.UTF_8));
            return System.nanoTime() > deadline;
        });
        try (ChunkProbe alivePod = new ChunkProbe(nc, Subjects.podResponse(alive));
             ChunkProbe deadPod = new ChunkProbe(nc, Subjects.podResponse(dead))) {
            WorkflowRequest request = Requests.demo(sid, 5);
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> alivePod.hasFinal(request.messageId()));
            assertThat(deadPod.all()).isEmpty();
        }
    }

    @Test
    @DisplayName("a pod registered mid-answer receives the rest of the answer")
    void midAnswerRegistryChange() throws Exception {
        String sid = Requests.id("s");
        String first = Requests.id("pod");
        String second = Requests.id("pod");
        redisCli.registerPod(RegistryKeys.sessionPods(sid), first, 15_000);
        try (ChunkProbe firstPod = new ChunkProbe(nc, Subjects.podResponse(first));
             ChunkProbe secondPod = new ChunkProbe(nc, Subjects.podResponse(second))) {
            WorkflowRequest request = Requests.demo(sid, 300); // ~600 ms at 2 ms per token
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> firstPod.chunks(request.messageId()).size() >= 20);
            redisCli.registerPod(RegistryKeys.sessionPods(sid), second, 15_000);

            await().atMost(Duration.ofSeconds(10)).until(() -> firstPod.hasFinal(request.messageId()));
            List<ResponseChunk> rest = secondPod.chunks(request.messageId());
            assertThat(rest).isNotEmpty();
            assertThat(rest.getLast().isFinal()).isTrue();
            assertThat(rest.getFirst().chunkId()).isGreaterThan(0);
            assertThat(firstPod.chunks(request.messageId())).hasSize(301);
        }
    }

    @Test
    @DisplayName("a cancel stops the answer: final chunk with finish_reason cancelled and reply cancelled")
    void cancels() throws Exception {
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 5000);
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.chunks(request.messageId()).size() >= 3);

            CancelReply reply = cancel(sid, request.messageId());

            assertThat(reply.status()).isEqualTo(CancelReply.CANCELLED);
            await().atMost(Duration.ofSeconds(5)).until(() -> broadcast.hasFinal(request.messageId()));
            List<ResponseChunk> chunks = broadcast.chunks(request.messageId());
            ResponseChunk last = chunks.getLast();
            assertThat(last.isFinal()).isTrue();
            assertThat(last.metadata().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(chunks.size()).isLessThan(5000);
            assertThat(chunks).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.range(0, chunks.size()).boxed().toList());

            // a second cancel of the same message: it has finished
            assertThat(cancel(sid, request.messageId()).status()).isEqualTo(CancelReply.FINISHED);
        }
    }

    @Test
    @DisplayName("a cancel for a finished message replies finished; for an unknown one nobody replies")
    void cancelFinishedOrUnknown() throws Exception {
        String sid = Requests.id("s");
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 3);
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(request.messageId()));
            await().atMost(Duration.ofSeconds(5)).until(() -> worker.activeAnswers() == 0);
            assertThat(cancel(sid, request.messageId()).status()).isEqualTo(CancelReply.FINISHED);
        }
        CompletableFuture<Message> unknown = nc.request(Subjects.workflowCancel(sid),
                CODEC.encode(new CancelRequest(sid, Requests.id("m"), Instant.now())));
        assertThat(unknown).failsWithin(Duration.ofSeconds(2));
    }

    @Test
    @DisplayName("a request cancelled before any worker picked it up ends at once with cancelled")
    void cancelledBeforePickup() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest request = Requests.demo(sid, 1000);
        CompletableFuture<Message> silent = nc.request(Subjects.workflowCancel(sid),
                CODEC.encode(new CancelRequest(sid, request.messageId(), Instant.now())));
        assertThat(silent).failsWithin(Duration.ofSeconds(1));
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(request.messageId()));
            List<ResponseChunk> chunks = broadcast.chunks(request.messageId());
            assertThat(chunks).hasSize(1);
            assertThat(chunks.getFirst().metadata().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(chunks.getFirst().chunkId()).isZero();
        }
    }

    private static CancelReply cancel(String sid, String messageId) throws Exception {
        Message reply = nc.request(Subjects.workflowCancel(sid),
                CODEC.encode(new CancelRequest(sid, messageId, Instant.now())), Duration.ofSeconds(3));
        assertThat(reply).as("cancel reply").isNotNull();
        return CODEC.decode(reply.getData(), CancelReply.class);
    }

    @Test
    @DisplayName("a poison payload goes to CHAT_DLQ with its payload, headers and error, and the worker keeps going")
    void poisonToDlq() throws Exception {
        String sid = Requests.id("s");
        String poisonId = Requests.id("m");
        JetStreamSubscription dlq = js.subscribe(Subjects.dlq(sid), PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_DLQ).ordered(true).build());
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            byte[] payload = "{\"message_id\": 42, this is not json".getBytes(StandardCharsets.UTF_8);
            js.publish(Subjects.workflowExecute(sid), new Headers().put(ChunkHeaders.NATS_MSG_ID, poisonId)
                    .put("X-Test", "kept"), payload);
            WorkflowRequest next = Requests.demo(sid, 3);
            Requests.publish(js, next);

            Message dead = dlq.nextMessage(Duration.ofSeconds(10));
            assertThat(dead).isNotNull();
            assertThat(dead.getData()).isEqualTo(payload);
            assertThat(dead.getHeaders().getFirst("X-Test")).isEqualTo("kept");
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.ERROR_CODE)).isEqualTo("undecodable_request");
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.ERROR)).isNotBlank();
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.DELIVERY_COUNT)).isEqualTo("1");

            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(next.messageId()));
            await().atMost(Duration.ofSeconds(5)).until(() -> broadcast.hasFinal(poisonId));
            ResponseChunk error = broadcast.chunks(poisonId).getFirst();
            assertThat(error.chunkType()).isEqualTo(ChunkType.ERROR);
            assertThat(error.error().code()).isEqualTo("undecodable_request");
        } finally {
            dlq.unsubscribe();
        }
    }

    @Test
    @DisplayName("answers the NATS micro-service protocol as chat-workflow with a status endpoint")
    void microService() throws Exception {
        Message ping = nc.request("$SRV.PING.chat-workflow", new byte[0], Duration.ofSeconds(3));
        assertThat(new String(ping.getData(), StandardCharsets.UTF_8)).contains("\"name\":\"chat-workflow\"");
        Message status = nc.request(dev.chatstream.subjects.ServiceSubjects.WORKFLOW_STATUS, new byte[0], Duration.ofSeconds(3));
        assertThat(new String(status.getData(), StandardCharsets.UTF_8)).contains("\"worker_id\"").contains("\"active\"");
    }
}
