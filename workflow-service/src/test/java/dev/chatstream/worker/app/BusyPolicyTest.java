package dev.chatstream.worker.app;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.CancelReply;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.BusyPolicy;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code BUSY_POLICY} on the workers: two in-process workers, each streaming one answer at a time, so a
 * session's second request is held by the other worker while the first streams.
 */
@Timeout(120)
class BusyPolicyTest {
    private static final MessageCodec CODEC = MessageCodec.standard();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static NatsServer nats;
    private static Connection nc;
    private static JetStream js;
    private static WorkflowApp workerA;
    private static WorkflowApp workerB;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(nats.url());
        js = nc.jetStream();
        workerA = TestWorkers.start(env());
        workerB = TestWorkers.start(env());
    }

    private static Map<String, String> env() {
        Map<String, String> env = TestWorkers.env(nats.url(), null);
        env.put("WORKER_CONCURRENCY", "1");
        env.put("DEMO_TOKEN_DELAY_MS", "10");
        return env;
    }

    @AfterAll
    static void stop() throws Exception {
        for (WorkflowApp worker : new WorkflowApp[] {workerA, workerB}) {
            if (worker != null) {
                worker.stop();
            }
        }
        nc.close();
        nats.close();
    }

    @Test
    @DisplayName("queue: a session's second request starts only after the first one's final chunk, on the other worker")
    void queuedRequestWaitsForTheFirst() {
        String sid = Requests.id("s");
        WorkflowRequest first = Requests.demo(sid, 40);
        WorkflowRequest second = Requests.demo(sid, 5);
        try (ChunkProbe session = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, first);
            Requests.publish(js, second);

            await().atMost(WAIT).until(() -> session.hasFinal(second.messageId()) && session.hasFinal(first.messageId()));
            assertWhole(session.chunks(first.messageId()), 40);
            assertWhole(session.chunks(second.messageId()), 5);
            List<ResponseChunk> all = session.all();
            assertThat(indexOfFirst(all, second.messageId())).isGreaterThan(indexOfFinal(all, first.messageId()));
            assertThat(queued(workerA) + queued(workerB)).isZero();
        }
    }

    @Test
    @DisplayName("interrupt: the streaming answer ends cancelled, then the interrupting request is answered whole")
    void interruptCancelsTheStreamingAnswer() {
        String sid = Requests.id("s");
        WorkflowRequest first = Requests.demo(sid, 1000);
        WorkflowRequest second = Requests.demo(sid, 5);
        try (ChunkProbe session = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, first);
            await().atMost(WAIT).until(() -> session.chunks(first.messageId()).size() >= 3);
            Requests.publish(js, second, BusyPolicy.INTERRUPT.putOn(new Headers()));

            await().atMost(WAIT).until(() -> session.hasFinal(second.messageId()));
            List<ResponseChunk> interrupted = session.chunks(first.messageId());
            ResponseChunk end = interrupted.get(interrupted.size() - 1);
            assertThat(end.isFinal()).isTrue();
            assertThat(end.metadata().finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(interrupted.size()).isLessThan(1000);
            assertWhole(session.chunks(second.messageId()), 5);
            List<ResponseChunk> all = session.all();
            assertThat(indexOfFirst(all, second.messageId())).isGreaterThan(indexOfFinal(all, first.messageId()));
        }
    }

    @Test
    @DisplayName("a cancel of a request waiting for its turn is answered cancelled at once; it ends with one cancelled chunk")
    void cancellingAQueuedRequest() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest first = Requests.demo(sid, 150);
        WorkflowRequest second = Requests.demo(sid, 5);
        try (ChunkProbe session = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, first);
            Requests.publish(js, second);
            await().atMost(WAIT).until(() -> queued(workerA) + queued(workerB) == 1);

            Message reply = nc.request(Subjects.workflowCancel(sid),
                    CODEC.encode(new CancelRequest(sid, second.messageId(), Instant.now())), Duration.ofSeconds(2));
            assertThat(reply).as("a reply within the pod's cancel timeout").isNotNull();
            assertThat(CODEC.decode(reply.getData(), CancelReply.class).status()).isEqualTo(CancelReply.CANCELLED);

            await().atMost(WAIT).until(() -> session.hasFinal(second.messageId()));
            assertWhole(session.chunks(first.messageId()), 150);
            assertThat(session.chunks(second.messageId())).singleElement().satisfies(chunk -> {
                assertThat(chunk.isFinal()).isTrue();
                assertThat(chunk.metadata().finishReason()).isEqualTo(FinishReason.CANCELLED);
            });
        }
    }

    private static double queued(WorkflowApp worker) {
        return worker.meters().get("chat.workflow.queued.requests").gauge().value();
    }

    private static void assertWhole(List<ResponseChunk> chunks, int tokens) {
        assertThat(chunks).extracting(ResponseChunk::chunkId)
                .containsExactlyElementsOf(LongStream.rangeClosed(0, tokens).boxed().toList());
        assertThat(chunks).filteredOn(c -> !c.isFinal()).allMatch(c -> c.chunkType() == dev.chatstream.schemas.ChunkType.CONTENT);
        assertThat(chunks.get(tokens).metadata().finishReason()).isEqualTo(FinishReason.STOP);
    }

    private static int indexOfFirst(List<ResponseChunk> all, String messageId) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).messageId().equals(messageId)) {
                return i;
            }
        }
        throw new AssertionError("no chunk of " + messageId);
    }

    private static int indexOfFinal(List<ResponseChunk> all, String messageId) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).messageId().equals(messageId) && all.get(i).isFinal()) {
                return i;
            }
        }
        throw new AssertionError("no final chunk of " + messageId);
    }
}
