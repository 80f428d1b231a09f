package dev.chatstream.worker.consumer;

import dev.chatstream.config.Env;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.WorkerHeaders;
import dev.chatstream.worker.config.ConsumerSettings;
import dev.chatstream.worker.config.FanoutSettings;
import dev.chatstream.worker.fanout.ChunkTransport;
import dev.chatstream.worker.fanout.FanoutMetrics;
import dev.chatstream.worker.metrics.WorkerMetrics;
import dev.chatstream.worker.provider.AiProvider;
import dev.chatstream.worker.provider.DemoProvider;
import dev.chatstream.worker.provider.ProviderCatalog;
import dev.chatstream.worker.provider.ProviderPolicy;
import dev.chatstream.worker.config.PolicySettings;
import dev.chatstream.worker.registry.AnswerLedger;
import dev.chatstream.worker.registry.HeartbeatTracker;
import dev.chatstream.worker.registry.SessionRegistry;
import dev.chatstream.worker.registry.SessionRoutes;
import dev.chatstream.worker.support.ChunkProbe;
import dev.chatstream.worker.support.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Provider callbacks that throw: a consumer on real NATS whose catalog holds a provider that throws
 * from inside its stream (as a provider with a bug, or data our code cannot take, would), and the
 * demo provider.
 */
@Timeout(60)
class ProviderFaultTest {
    private static NatsServer nats;
    private static Connection nc;
    private static JetStream js;
    private static Vertx vertx;
    private static WorkflowConsumer consumer;

    /** Streams two tokens, then hands the sink a null token, which no chunk can carry. */
    private static final class ThrowingProvider implements AiProvider {
        private final Vertx vertx;

        ThrowingProvider(Vertx vertx) {
            this.vertx = vertx;
        }

        @Override
        public String name() {
            return "throwing";
        }

        @Override
        public dev.chatstream.worker.provider.Generation stream(WorkflowRequest request,
                                                                dev.chatstream.worker.provider.TokenSink sink) {
            vertx.getOrCreateContext().runOnContext(v -> {
                sink.onToken("one ");
                sink.onToken("two ");
                sink.onToken(null);
            });
            return () -> { };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        js = nc.jetStream();
        vertx = Vertx.vertx();
        Env env = new Env(Map.of("STREAM_STORAGE", "memory", "WORKER_ACK_WAIT", "2s", "FETCH_MAX_WAIT", "200ms"));
        StreamSettings streams = StreamSettings.fromEnv(env);
        new JetStreamProvisioner(nc.jetStreamManagement()).apply(streams);
        // The test provider needs an allow-list of its own to get past the server's policy.
        PolicySettings.ModelAllowList any = new PolicySettings.ModelAllowList("demo", java.util.Set.of(), true);
        PolicySettings policy = new PolicySettings(Map.of("demo", any, "throwing", any), 4096, 20, 4000,
                java.util.Optional.empty());
        ProviderCatalog providers = ProviderCatalog.of(new DemoProvider(vertx, Duration.ofMillis(2)), new ThrowingProvider(vertx));
        consumer = WorkflowConsumer.start(vertx, List.of(vertx.getOrCreateContext()), nc, js, nc.jetStreamManagement(),
                new ChunkTransport(nc, js, FanoutSettings.fromEnv(env), FanoutMetrics.NONE), providers,
                new ProviderPolicy(policy), AnswerLedger.NONE,
                new SessionRoutes(SessionRegistry.NONE, new HeartbeatTracker(Duration.ofSeconds(6), System::nanoTime),
                        Duration.ofSeconds(1)),
                new WorkerMetrics(new SimpleMeterRegistry()), OpenTelemetry.noop(), ConsumerSettings.fromEnv(env), streams,
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        if (consumer != null) {
            consumer.shutdown(Duration.ofSeconds(2));
        }
        vertx.close();
        nc.close();
        nats.close();
    }

    @Test
    @DisplayName("a provider callback that throws mid-answer ends it with a provider_fault error chunk, dead-letters the request, and the worker serves on")
    void throwingCallbackEndsTheAnswer() throws Exception {
        String sid = Requests.id("s");
        WorkflowRequest faulty = new WorkflowRequest(Requests.id("m"), sid, null, "hello",
                new WorkflowContext("throwing", null, null, 8, null, List.of()), Instant.now(), Requests.id("c"));
        WorkflowRequest next = Requests.demo(sid, 3);
        JetStreamSubscription dlq = js.subscribe(Subjects.dlq(sid), PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_DLQ).ordered(true).build());
        try (ChunkProbe broadcast = new ChunkProbe(nc, Subjects.sessionBroadcast(sid))) {
            Requests.publish(js, faulty);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(faulty.messageId()));
            List<ResponseChunk> chunks = broadcast.chunks(faulty.messageId());
            assertThat(chunks).extracting(ResponseChunk::chunkId).containsExactly(0L, 1L, 2L);
            ResponseChunk last = chunks.getLast();
            assertThat(last.chunkType()).isEqualTo(ChunkType.ERROR);
            assertThat(last.error().code()).isEqualTo(Answer.PROVIDER_FAULT);

            Message dead = dlq.nextMessage(Duration.ofSeconds(10));
            assertThat(dead).as("dead letter").isNotNull();
            assertThat(dead.getHeaders().getFirst(WorkerHeaders.ERROR_CODE)).isEqualTo(Answer.PROVIDER_FAULT);

            Requests.publish(js, next);
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcast.hasFinal(next.messageId()));
            // The answer leaves the active ones once settled, which follows its final chunk (turn kept, acked).
            await().atMost(Duration.ofSeconds(5)).until(() -> consumer.active() == 0);
        } finally {
            dlq.unsubscribe();
        }
    }
}
