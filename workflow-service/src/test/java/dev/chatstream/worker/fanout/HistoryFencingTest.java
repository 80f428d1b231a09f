package dev.chatstream.worker.fanout;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.config.Env;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.HistoryRetryPolicy;
import dev.chatstream.worker.config.FanoutSettings;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An attempt that lost the request writes nothing more, and an older attempt's batch never lands over a newer one's. */
@Timeout(60)
class HistoryFencingTest {
    private static final StreamSettings STREAMS = StreamSettings.fromEnv(new Env(Map.of("STREAM_STORAGE", "memory")));
    private static NatsServer nats;
    private static Connection nc;
    private static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        new JetStreamProvisioner(nc.jetStreamManagement()).applyStreams(STREAMS);
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close();
        nc.close();
        nats.close();
    }

    @Test
    @DisplayName("a batch from a chunk id another attempt already recorded is refused: the attempt fails with a conflict and history keeps the first")
    void staleBatchIsRefused() throws Exception {
        String sid = "stale";
        String mid = "m-stale";
        MessageFanout newer = open(sid, mid, 2, transport(FanoutSettings.fromEnv(new Env(Map.of())), null));
        MessageFanout older = open(sid, mid, 1, transport(FanoutSettings.fromEnv(new Env(Map.of())), null));
        CompletableFuture<Void> newerWrote = new CompletableFuture<>();
        CompletableFuture<Throwable> olderFailed = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            newer.publish(ResponseChunk.system(sid, mid, 5, ResponseChunk.SYSTEM_RESTART, "c", Instant.now()));
            newer.flushForHandOver().onComplete(ar -> newerWrote.complete(null));
        });
        newerWrote.get(10, TimeUnit.SECONDS);

        context.runOnContext(v -> {
            older.finalRecorded().onFailure(olderFailed::complete);
            older.publish(ResponseChunk.content(sid, mid, 5, "late ", "c", Instant.now()));
            older.publish(ResponseChunk.finalChunk(sid, mid, 6, null, "c", Instant.now()));
        });

        assertThat(olderFailed.get(10, TimeUnit.SECONDS)).isInstanceOf(HistoryConflictException.class);
        assertThat(history(sid)).extracting(b -> b.getHeaders().getFirst(ChunkHeaders.ATTEMPT)).containsExactly("2");
    }

    @Test
    @DisplayName("a closed (abandoned) attempt's scheduled retry never reaches history")
    void closedAttemptStopsRetrying() throws Exception {
        String sid = "closed";
        String mid = "m-closed";
        AtomicInteger failures = new AtomicInteger();
        FanoutSettings defaults = FanoutSettings.fromEnv(new Env(Map.of()));
        // Long backoff so the retry is still scheduled when the attempt is closed.
        FanoutSettings slowRetry = new FanoutSettings(defaults.historyFlushInterval(), defaults.historyFlushBytes(),
                new HistoryRetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1)),
                defaults.historyMaxInFlight(), defaults.liveFrameTick());
        ChunkTransport transport = transport(slowRetry, failures);
        MessageFanout stale = open(sid, mid, 1, transport);
        nc.jetStreamManagement().deleteStream(StreamDefinitions.CHAT_HISTORY);
        try {
            Context context = vertx.getOrCreateContext();
            context.runOnContext(v -> stale.publish(ResponseChunk.content(sid, mid, 0, "t ", "c", Instant.now())));
            await().atMost(Duration.ofSeconds(5)).until(() -> failures.get() >= 1);
            context.runOnContext(v -> stale.abandon());
        } finally {
            new JetStreamProvisioner(nc.jetStreamManagement()).applyStreams(STREAMS);
        }
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> failures.get() == 1 && history(sid).isEmpty());
        assertThat(transport.historyGate().inFlight()).as("the retry's permit was given back").isZero();
    }

    private static ChunkTransport transport(FanoutSettings settings, AtomicInteger failures) throws Exception {
        FanoutMetrics metrics = failures == null ? FanoutMetrics.NONE : new FanoutMetrics() {
            @Override
            public void historyFailed(boolean willRetry) {
                failures.incrementAndGet();
            }
        };
        return new ChunkTransport(nc, nc.jetStream(), settings, metrics);
    }

    private static MessageFanout open(String sid, String mid, int attempt, ChunkTransport transport) {
        return MessageFanout.open(vertx, vertx.getOrCreateContext(), transport, MessageCodec.standard(),
                new MessageInfo(sid, mid, attempt, "c", null), () -> List.of(Subjects.podResponse("pod-" + sid)),
                Clock.systemUTC());
    }

    private static List<Message> history(String sid) throws Exception {
        JetStreamSubscription sub = nc.jetStream().subscribe(Subjects.history(sid), PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_HISTORY).ordered(true).build());
        List<Message> batches = new ArrayList<>();
        try {
            for (Message msg = sub.nextMessage(Duration.ofMillis(500)); msg != null; msg = sub.nextMessage(Duration.ofMillis(200))) {
                batches.add(msg);
            }
        } finally {
            sub.unsubscribe();
        }
        return batches;
    }
}
