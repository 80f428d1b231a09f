package dev.chatstream.worker.app;

import dev.chatstream.registry.RegistryKeys;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.worker.config.RegistrySettings;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.testkit.RedisServer;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import dev.chatstream.worker.support.RespClient;
import dev.chatstream.worker.support.TestWorkers;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Redis dies while the worker runs: answers fall back to the session broadcast, quickly, and recover. */
@Timeout(120)
class RedisOutageTest {
    private static NatsServer nats;
    private static RedisServer redis;
    private static WorkflowApp worker;
    private static Connection nc;
    private static JetStream js;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        redis = RedisServer.start();
        Map<String, String> env = TestWorkers.env(nats.url(), redis.url());
        env.put("DEMO_TOKEN_DELAY_MS", "0");
        env.put("REGISTRY_BREAKER_RESET", "1s");
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

    @Test
    @DisplayName("with Redis killed, answers go to the session broadcast; the open breaker makes it immediate; routing returns after recovery")
    void broadcastsWhileRedisIsDown() throws Exception {
        String sid = Requests.id("s");
        String pod = Requests.id("pod");
        new RespClient(redis.port()).registerPod(RegistryKeys.sessionPods(sid), pod, 60_000);
        try (ChunkProbe podProbe = new ChunkProbe(nc, Subjects.podResponse(pod));
             ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            WorkflowRequest before = Requests.demo(sid, 3);
            Requests.publish(js, before);
            await().atMost(Duration.ofSeconds(10)).until(() -> podProbe.hasFinal(before.messageId()));

            redis.kill();
            // The first lookups fail (and open the breaker); each answer still arrives, by broadcast.
            // They carry a user id: releasing their active-answer ledger entries fails too, and is only logged.
            for (int i = 0; i < RegistrySettings.DEFAULT_BREAKER_MAX_FAILURES + 1; i++) {
                WorkflowRequest during = Requests.demo(sid, 3, "u-" + i);
                Requests.publish(js, during);
                await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(during.messageId()));
            }
            assertThat(worker.registryAvailable()).as("breaker open").isFalse();

            // With the breaker open, no lookup is attempted: the answer is out well within a lookup timeout.
            WorkflowRequest fast = Requests.demo(sid, 3);
            long start = System.nanoTime();
            Requests.publish(js, fast);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> broadcast.hasFinal(fast.messageId()));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(600));
            assertThat(podProbe.chunks(fast.messageId())).isEmpty();

            redis.restart();
            new RespClient(redis.port()).registerPod(RegistryKeys.sessionPods(sid), pod, 60_000);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                WorkflowRequest after = Requests.demo(sid, 1);
                Requests.publish(js, after);
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        podProbe.hasFinal(after.messageId()) || broadcast.hasFinal(after.messageId()));
                return podProbe.hasFinal(after.messageId());
            });
        }
    }
}
