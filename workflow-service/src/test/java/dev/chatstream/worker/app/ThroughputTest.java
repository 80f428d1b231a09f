package dev.chatstream.worker.app;

import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.TestWorkers;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A small load: many answers at once with no token delay, to see that history writes are coalesced
 * (fewer history messages than chunks) and to print the rates. Tagged slow; runs by default.
 */
@Tag("slow")
@Timeout(120)
class ThroughputTest {

    @Test
    @DisplayName("under load, every answer completes and history messages are far fewer than chunks")
    void coalescesUnderLoad() throws Exception {
        int answers = Integer.getInteger("tp.answers", 400);
        int tokens = Integer.getInteger("tp.tokens", 64);
        try (NatsServer nats = NatsServer.start();
             Connection nc = Nats.connect(new Options.Builder().server(nats.url()).build())) {
            Map<String, String> env = TestWorkers.env(nats.url(), null);
            env.put("DEMO_TOKEN_DELAY_MS", System.getProperty("tp.delay", "0"));
            env.put("WORKER_CONCURRENCY", System.getProperty("tp.concurrency", "200"));
            env.put("STREAM_STORAGE", "file");
            env.put("HISTORY_MAX_IN_FLIGHT", System.getProperty("tp.inflight", "64"));
            LongAdder liveChunks = new LongAdder();
            AtomicInteger finals = new AtomicInteger();
            Dispatcher live = nc.createDispatcher(msg -> {
                liveChunks.add(Integer.parseInt(msg.getHeaders().getFirst(ChunkHeaders.CHUNK_COUNT)));
                if ("true".equals(msg.getHeaders().getFirst(ChunkHeaders.FINAL))) {
                    finals.incrementAndGet();
                }
            });
            live.subscribe(Subjects.SESSION_BROADCAST_ALL);
            nc.flush(Duration.ofSeconds(2));
            try (WorkflowApp worker = TestWorkers.start(env)) {
                JetStream js = nc.jetStream();
                List<WorkflowRequest> requests = new ArrayList<>();
                for (int i = 0; i < answers; i++) {
                    requests.add(Requests.demo(Requests.id("s"), tokens));
                }
                long start = System.nanoTime();
                requests.forEach(r -> Requests.publish(js, r));
                double publishSeconds = (System.nanoTime() - start) / 1e9;
                await().atMost(Duration.ofSeconds(90)).until(() -> finals.get() == answers);
                double seconds = (System.nanoTime() - start) / 1e9;

                long chunks = (long) answers * (tokens + 1);
                long historyMessages = nc.jetStreamManagement().getStreamInfo(StreamDefinitions.CHAT_HISTORY)
                        .getStreamState().getMsgCount();
                HistogramSnapshot ttft = worker.meters().get("chat.ttft").timer().takeSnapshot();
                System.out.printf("published %d requests in %.2f s%n", answers, publishSeconds);
                System.out.printf("throughput: %d answers x %d tokens in %.2f s = %.0f chunks/s; %d history messages"
                                + " (%.1f chunks each); live chunks %d; ttft max %.1f ms%n",
                        answers, tokens, seconds, chunks / seconds, historyMessages,
                        (double) chunks / historyMessages, liveChunks.sum(), ttft.max() / 1e6);
                for (ValueAtPercentile p : ttft.percentileValues()) {
                    System.out.printf("ttft p%.0f %.1f ms%n", p.percentile() * 100, p.value() / 1e6);
                }
                assertThat(liveChunks.sum()).isEqualTo(chunks);
                if (env.get("DEMO_TOKEN_DELAY_MS").equals("0")) {
                    // tokens arrive faster than history round trips: they share history messages
                    assertThat(historyMessages).isLessThan(chunks / 2);
                }
            } finally {
                nc.closeDispatcher(live);
            }
        }
    }
}
