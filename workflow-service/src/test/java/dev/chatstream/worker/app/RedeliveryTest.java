package dev.chatstream.worker.app;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.ChunkHeaders;
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
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redelivery and shutdown: each test starts its own worker(s), so the test can take a first delivery
 * itself (a worker that "crashed" without acking) before any worker runs. Registry off: broadcast.
 */
@Timeout(120)
class RedeliveryTest {
    private static final MessageCodec CODEC = MessageCodec.standard();
    private static NatsServer nats;
    private static Connection nc;
    private static JetStream js;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        js = nc.jetStream();
        // Provision the streams (as any worker would) without leaving a worker running.
        TestWorkers.start(env()).stop();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nc != null) {
            nc.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static Map<String, String> env() {
        return TestWorkers.env(nats.url(), null);
    }

    @Test
    @DisplayName("a redelivered request publishes a restart chunk numbered LiveAhead.MAX_CHUNKS past its history, then continues from there")
    void restartContinuesIds() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest request = Requests.demo(sid, 5);
        recordPartialHistory(request, 4);
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            takeFirstDeliveryWithoutAck(request);
            WorkflowApp worker = TestWorkers.start(env());
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> broadcast.hasFinal(request.messageId()));
            } finally {
                worker.stop();
            }
            List<ResponseChunk> chunks = broadcast.chunks(request.messageId());
            assertThat(chunks.getFirst().chunkType()).isEqualTo(ChunkType.SYSTEM);
            assertThat(chunks.getFirst().chunk()).isEqualTo(ResponseChunk.SYSTEM_RESTART);
            // Up to MAX_CHUNKS chunks past chunk 3 may have gone live unrecorded: the new attempt's ids start above them.
            long restart = dev.chatstream.wire.LiveAhead.restartChunkId(3);
            assertThat(restart).isEqualTo(4 + dev.chatstream.wire.LiveAhead.MAX_CHUNKS);
            assertThat(chunks).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(restart, restart + 6).boxed().toList());
            assertThat(broadcast.batches(request.messageId()))
                    .allSatisfy(b -> assertThat(b.header(ChunkHeaders.ATTEMPT)).isEqualTo("2"));
            assertThat(history(sid, request.messageId())).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(java.util.stream.Stream.concat(LongStream.rangeClosed(0, 3).boxed(),
                            LongStream.rangeClosed(restart, restart + 6).boxed()).toList());
        }
        assertNothingPending();
    }

    @Test
    @DisplayName("a redelivered request whose final chunk is already in history is acked without a second answer")
    void alreadyFinished() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest request = Requests.demo(sid, 3);
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            chunks.add(CODEC.encode(ResponseChunk.content(sid, request.messageId(), i, "w ", "c", Instant.now())));
        }
        chunks.add(CODEC.encode(ResponseChunk.finalChunk(sid, request.messageId(), 3, null, "c", Instant.now())));
        js.publish(Subjects.history(sid), headers(request, 0, 4).put(ChunkHeaders.FINAL, "true"), ChunkBatch.join(chunks));
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            takeFirstDeliveryWithoutAck(request);
            WorkflowApp worker = TestWorkers.start(env());
            try {
                assertNothingPendingWithin(Duration.ofSeconds(10));
            } finally {
                worker.stop();
            }
            assertThat(broadcast.all()).isEmpty();
        }
    }

    @Test
    @DisplayName("SIGTERM lets an in-flight answer finish within SHUTDOWN_TIMEOUT and acks it")
    void gracefulStopFinishesAnswers() throws Exception {
        String sid = Requests.id("s");
        Map<String, String> env = env();
        env.put("DEMO_TOKEN_DELAY_MS", "5");
        WorkflowApp worker = TestWorkers.start(env);
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 150); // ~750 ms
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.chunks(request.messageId()).size() >= 5);

            worker.stop();

            assertThat(broadcast.hasFinal(request.messageId())).isTrue();
            ResponseChunk last = broadcast.chunks(request.messageId()).getLast();
            assertThat(last.metadata().finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(broadcast.chunks(request.messageId())).hasSize(151);
        } finally {
            worker.stop();
        }
        assertNothingPending();
    }

    @Test
    @DisplayName("SIGTERM hands back answers that outlast SHUTDOWN_TIMEOUT; another worker restarts them and ids continue")
    void stopHandsBackUnfinishedAnswers() throws Exception {
        String sid = Requests.id("s");
        Map<String, String> leavingEnv = env();
        leavingEnv.put("DEMO_TOKEN_DELAY_MS", "20");
        leavingEnv.put("SHUTDOWN_TIMEOUT", "100ms");
        WorkflowApp leaving = TestWorkers.start(leavingEnv);
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest request = Requests.demo(sid, 100); // ~2 s
            Requests.publish(js, request);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.chunks(request.messageId()).size() >= 5);
            leaving.stop();
            assertThat(broadcast.hasFinal(request.messageId())).isFalse();
            int seenFromFirstAttempt = broadcast.chunks(request.messageId()).size();

            WorkflowApp next = TestWorkers.start(env());
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> broadcast.hasFinal(request.messageId()));
            } finally {
                next.stop();
            }
            List<ResponseChunk> chunks = broadcast.chunks(request.messageId());
            ResponseChunk restart = chunks.stream().filter(c -> c.chunkType() == ChunkType.SYSTEM).findFirst().orElseThrow();
            assertThat(restart.chunk()).isEqualTo(ResponseChunk.SYSTEM_RESTART);
            // the leaving worker recorded everything it had published: the restart follows it, past the live allowance
            assertThat(restart.chunkId()).isEqualTo(dev.chatstream.wire.LiveAhead.restartChunkId(seenFromFirstAttempt - 1));
            List<ResponseChunk> fromRestart = chunks.subList(chunks.indexOf(restart), chunks.size());
            assertThat(chunks.subList(0, chunks.indexOf(restart))).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.range(0, seenFromFirstAttempt).boxed().toList());
            assertThat(fromRestart).extracting(ResponseChunk::chunkId).containsExactlyElementsOf(
                    LongStream.range(restart.chunkId(), restart.chunkId() + 102).boxed().toList());
            assertThat(history(sid, request.messageId())).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(java.util.stream.Stream.concat(
                            LongStream.range(0, seenFromFirstAttempt).boxed(),
                            LongStream.range(restart.chunkId(), restart.chunkId() + 102).boxed()).toList());
        } finally {
            leaving.stop();
        }
        assertNothingPending();
    }

    private static void recordPartialHistory(WorkflowRequest request, int count) throws Exception {
        List<byte[]> earlier = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            earlier.add(CODEC.encode(ResponseChunk.content(request.sessionId(), request.messageId(), i, "old ",
                    request.correlationId(), Instant.now())));
        }
        js.publish(Subjects.history(request.sessionId()), headers(request, 0, count), ChunkBatch.join(earlier));
    }

    private static Headers headers(WorkflowRequest request, long first, int count) {
        return new Headers().put(ChunkHeaders.SESSION_ID, request.sessionId())
                .put(ChunkHeaders.MESSAGE_ID, request.messageId())
                .put(ChunkHeaders.FIRST_CHUNK_ID, Long.toString(first))
                .put(ChunkHeaders.CHUNK_COUNT, Integer.toString(count))
                .put(ChunkHeaders.ATTEMPT, "1");
    }

    /** Plays a worker that took the request and died: takes delivery 1 and never acks; ackWait is 2 s. */
    private static void takeFirstDeliveryWithoutAck(WorkflowRequest request) throws Exception {
        Message taken = CrashedWorker.takeFirstDelivery(nats.url(), js, request);
        assertThat(taken.metaData().deliveredCount()).isEqualTo(1);
    }

    private static List<ResponseChunk> history(String sid, String messageId) throws Exception {
        JetStreamSubscription sub = js.subscribe(Subjects.history(sid), PushSubscribeOptions.builder()
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

    private static void assertNothingPending() throws Exception {
        assertNothingPendingWithin(Duration.ofSeconds(5));
    }

    private static void assertNothingPendingWithin(Duration timeout) {
        await().atMost(timeout).untilAsserted(() -> {
            ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo(StreamDefinitions.WORKFLOW_REQUESTS,
                    StreamDefinitions.WORKFLOW_WORKERS);
            assertThat(info.getNumAckPending()).isZero();
            assertThat(info.getNumPending()).isZero();
        });
    }

}
