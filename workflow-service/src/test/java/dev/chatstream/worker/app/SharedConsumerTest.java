package dev.chatstream.worker.app;

import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Several worker instances in one JVM on the one durable consumer. */
@Timeout(120)
class SharedConsumerTest {
    private static NatsServer nats;
    private static Connection nc;
    private static JetStream js;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        js = nc.jetStream();
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

    @Test
    @DisplayName("two instances share 20 requests through workflow-workers; each request is answered exactly once")
    void shareWork() throws Exception {
        Map<String, String> env = TestWorkers.env(nats.url(), null);
        env.put("DEMO_TOKEN_DELAY_MS", "10");
        env.put("WORKER_CONCURRENCY", "4");
        String sid = Requests.id("s");
        List<WorkflowRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(Requests.demo(sid, 10));
        }
        try (WorkflowApp a = TestWorkers.start(env);
             WorkflowApp b = TestWorkers.start(new java.util.HashMap<>(env) {{ put("WORKER_ID", Requests.id("w")); }});
             ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            requests.forEach(r -> Requests.publish(js, r));
            await().atMost(Duration.ofSeconds(30)).until(() -> requests.stream().allMatch(r -> broadcast.hasFinal(r.messageId())));

            for (WorkflowRequest r : requests) {
                List<ResponseChunk> chunks = broadcast.chunks(r.messageId());
                assertThat(chunks).as(r.messageId()).hasSize(11);
                assertThat(chunks).filteredOn(ResponseChunk::isFinal).hasSize(1);
                assertThat(broadcast.batches(r.messageId())).allSatisfy(batch ->
                        assertThat(batch.header(ChunkHeaders.ATTEMPT)).isEqualTo("1"));
            }
            double servedByA = a.meters().counter("chat.workflow.requests", "outcome", "stop").count();
            double servedByB = b.meters().counter("chat.workflow.requests", "outcome", "stop").count();
            assertThat(servedByA + servedByB).isEqualTo(20);
            assertThat(servedByA).as("instance a took some").isPositive();
            assertThat(servedByB).as("instance b took some").isPositive();
        }
    }

    @Test
    @DisplayName("one instance never streams more answers at once than WORKER_CONCURRENCY")
    void boundsConcurrency() throws Exception {
        Map<String, String> env = TestWorkers.env(nats.url(), null);
        env.put("DEMO_TOKEN_DELAY_MS", "5");
        env.put("WORKER_CONCURRENCY", "2");
        // One session per request: answers of one session take turns (BUSY_POLICY), this is about the slots.
        List<WorkflowRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(Requests.demo(Requests.id("s"), 20));
        }
        Set<String> ours = requests.stream().map(WorkflowRequest::messageId).collect(java.util.stream.Collectors.toSet());
        Set<String> open = ConcurrentHashMap.newKeySet();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        AtomicInteger maxOpen = new AtomicInteger();
        Dispatcher watcher = nc.createDispatcher(msg -> {
            String mid = msg.getHeaders().getFirst(ChunkHeaders.MESSAGE_ID);
            if (!ours.contains(mid)) {
                return;
            }
            if ("true".equals(msg.getHeaders().getFirst(ChunkHeaders.FINAL))) {
                open.remove(mid);
                finished.add(mid);
            } else if (open.add(mid)) {
                maxOpen.accumulateAndGet(open.size(), Math::max);
            }
        });
        watcher.subscribe(Subjects.SESSION_BROADCAST_ALL);
        nc.flush(Duration.ofSeconds(2));
        try (WorkflowApp worker = TestWorkers.start(env)) {
            requests.forEach(r -> Requests.publish(js, r));
            await().atMost(Duration.ofSeconds(30)).until(() -> finished.size() == 8);
        } finally {
            nc.closeDispatcher(watcher);
        }
        assertThat(finished).hasSize(8);
        assertThat(maxOpen.get()).isEqualTo(2);
    }
}
