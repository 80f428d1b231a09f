package dev.chatstream.worker.fanout;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.config.Env;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.worker.config.FanoutSettings;
import dev.chatstream.worker.support.ChunkProbe;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * History and live leave together: a batch goes live right behind its history write, grouped while a
 * write is in flight; once history fails, live waits for acknowledgements.
 */
@Timeout(60)
class MessageFanoutTest {
    private static NatsServer nats;
    private static Connection nc;
    private static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        nc = Nats.connect(new Options.Builder().server(nats.url()).build());
        new JetStreamProvisioner(nc.jetStreamManagement()).applyStreams(StreamSettings.fromEnv(new Env(Map.of("STREAM_STORAGE", "memory"))));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close();
        nc.close();
        nats.close();
    }

    private static List<ChunkProbe.Batch> run(String sid, int chunks) throws Exception {
        FanoutSettings settings = FanoutSettings.fromEnv(new Env(Map.of()));
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), settings, FanoutMetrics.NONE);
        String subject = Subjects.podResponse("pod-" + sid);
        // Message ids differ per test: JetStream drops a repeated Nats-Msg-Id within its window.
        String mid = "m-" + sid;
        try (ChunkProbe probe = new ChunkProbe(nc, subject)) {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            context.runOnContext(v -> {
                MessageFanout fanout = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                        new MessageInfo(sid, mid, 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
                // all chunks in one event-loop turn, as a fast provider produces them
                for (int i = 0; i < chunks; i++) {
                    fanout.publish(ResponseChunk.content(sid, mid, i, "t ", "c1", Instant.now()));
                }
                fanout.publish(ResponseChunk.finalChunk(sid, mid, chunks, new ChunkMetadata("demo", chunks, FinishReason.STOP),
                        "c1", Instant.now()));
                fanout.finalRecorded().onComplete(ar -> recorded.complete(null));
            });
            recorded.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.hasFinal(mid));
            assertThat(probe.chunks(mid)).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(0, chunks).boxed().toList());
            return probe.batches(mid);
        }
    }

    @Test
    @DisplayName("the first chunk goes out at once, alone; chunks produced during its history write follow grouped, in order")
    void groupsWhileAWriteIsInFlight() throws Exception {
        List<ChunkProbe.Batch> batches = run("grouped", 10);
        assertThat(batches.getFirst().header(ChunkHeaders.CHUNK_COUNT)).isEqualTo("1");
        assertThat(batches).hasSizeLessThan(11);
        long expectedFirst = 0;
        for (ChunkProbe.Batch batch : batches) {
            assertThat(Long.parseLong(batch.header(ChunkHeaders.FIRST_CHUNK_ID))).isEqualTo(expectedFirst);
            assertThat(Integer.parseInt(batch.header(ChunkHeaders.CHUNK_COUNT))).isEqualTo(batch.chunks().size());
            expectedFirst += batch.chunks().size();
        }
        assertThat(batches.getLast().header(ChunkHeaders.FINAL)).isEqualTo("true");
    }

    @Test
    @DisplayName("every batch after the message's first carries Chat-History-Start, the stream sequence of its first stored batch")
    void laterBatchesSayWhereHistoryStarts() throws Exception {
        List<ChunkProbe.Batch> batches = run("starts", 10);
        long first = nc.jetStreamManagement().getFirstMessage(dev.chatstream.streams.StreamDefinitions.CHAT_HISTORY,
                Subjects.history("starts")).getSeq();
        assertThat(batches).hasSizeGreaterThan(1);
        assertThat(batches.getFirst().header(ChunkHeaders.HISTORY_START)).isNull();
        assertThat(batches.subList(1, batches.size())).extracting(batch -> batch.header(ChunkHeaders.HISTORY_START))
                .containsOnly(Long.toString(first));
    }

    @Test
    @DisplayName("every batch that goes live is already in history, byte for byte")
    void liveOnlyWhatHistoryHolds() throws Exception {
        List<ChunkProbe.Batch> batches = run("durable", 6);
        io.nats.client.JetStreamSubscription history = nc.jetStream().subscribe(Subjects.history("durable"),
                io.nats.client.PushSubscribeOptions.builder().stream(dev.chatstream.streams.StreamDefinitions.CHAT_HISTORY)
                        .ordered(true).build());
        Map<Long, String> recorded = new java.util.TreeMap<>();
        for (io.nats.client.Message m = history.nextMessage(Duration.ofSeconds(2)); m != null;
             m = history.nextMessage(Duration.ofMillis(300))) {
            recorded.putAll(chunkBytes(m.getHeaders(), m.getData()));
        }
        history.unsubscribe();
        Map<Long, String> live = new java.util.TreeMap<>();
        for (ChunkProbe.Batch batch : batches) {
            live.putAll(chunkBytes(batch.headers(), batch.body()));
        }
        // Batches may group chunks differently live and in history; each chunk's bytes must be the same.
        assertThat(live).hasSize(7).isEqualTo(recorded);
    }

    @Test
    @DisplayName("batches of several answers for one pod in one event-loop turn leave as one pod frame")
    void answersShareAPodFrame() throws Exception {
        FanoutSettings settings = FanoutSettings.fromEnv(new Env(Map.of()));
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), settings, FanoutMetrics.NONE);
        String subject = Subjects.podResponse("pod-framed");
        io.nats.client.Subscription raw = nc.subscribe(subject);
        nc.flush(Duration.ofSeconds(2));
        try (ChunkProbe probe = new ChunkProbe(nc, subject)) {
            Context context = vertx.getOrCreateContext();
            context.runOnContext(v -> {
                for (String sid : List.of("framed-a", "framed-b", "framed-c")) {
                    MessageFanout fanout = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                            new MessageInfo(sid, "m-" + sid, 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
                    fanout.publish(ResponseChunk.content(sid, "m-" + sid, 0, "t ", "c1", Instant.now()));
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.batches().size() == 3);
            io.nats.client.Message frame = raw.nextMessage(Duration.ofSeconds(2));
            assertThat(frame.getHeaders().getFirst(ChunkHeaders.FRAME)).isEqualTo(dev.chatstream.wire.PodFrame.VERSION);
            assertThat(raw.nextMessage(Duration.ofMillis(200))).as("one message for the three batches").isNull();
            assertThat(probe.batches()).extracting(b -> b.header(ChunkHeaders.SESSION_ID))
                    .containsExactly("framed-a", "framed-b", "framed-c");
        } finally {
            raw.unsubscribe();
        }
    }

    /** Chunk id → the chunk's exact bytes (as text) in a batch, tagged with the batch's message id and attempt. */
    private static Map<Long, String> chunkBytes(io.nats.client.impl.Headers headers, byte[] body) {
        long first = Long.parseLong(headers.getFirst(ChunkHeaders.FIRST_CHUNK_ID));
        String tag = headers.getFirst(ChunkHeaders.MESSAGE_ID) + "/" + headers.getFirst(ChunkHeaders.ATTEMPT) + " ";
        Map<Long, String> chunks = new java.util.TreeMap<>();
        dev.chatstream.wire.ChunkBatch.forEach(body, (index, bytes, offset, length) ->
                chunks.put(first + index, tag + new String(bytes, offset, length, java.nio.charset.StandardCharsets.UTF_8)));
        return chunks;
    }

    @Test
    @DisplayName("a batch goes live without waiting for its history acknowledgement; after a failed write, later batches wait for theirs")
    void liveRunsAheadOfAcksOnlyWhileHistoryIsHealthy() throws Exception {
        String sid = "outage";
        String subject = Subjects.podResponse("pod-" + sid);
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        FanoutMetrics countFailures = new FanoutMetrics() {
            @Override
            public void historyFailed(boolean willRetry) {
                failures.incrementAndGet();
            }
        };
        // Longer than pods would wait, which configuration refuses: built directly, to keep failing a while.
        FanoutSettings defaults = FanoutSettings.fromEnv(new Env(Map.of()));
        FanoutSettings settings = new FanoutSettings(defaults.historyFlushInterval(), defaults.historyFlushBytes(),
                new dev.chatstream.wire.HistoryRetryPolicy(20, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(20)),
                defaults.historyMaxInFlight(), defaults.liveFrameTick());
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), settings, countFailures);
        nc.jetStreamManagement().deleteStream(dev.chatstream.streams.StreamDefinitions.CHAT_HISTORY);
        try (ChunkProbe probe = new ChunkProbe(nc, subject)) {
            Context context = vertx.getOrCreateContext();
            MessageFanout[] fanout = new MessageFanout[1];
            context.runOnContext(v -> {
                fanout[0] = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                        new MessageInfo(sid, "m-outage", 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
                fanout[0].publish(ResponseChunk.content(sid, "m-outage", 0, "t ", "c1", Instant.now()));
            });
            // No stream, so no acknowledgement will come: chunk 0 went live anyway.
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.chunks("m-outage").size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> failures.get() >= 1);

            context.runOnContext(v -> {
                fanout[0].publish(ResponseChunk.content(sid, "m-outage", 1, "t ", "c1", Instant.now()));
                fanout[0].publish(ResponseChunk.finalChunk(sid, "m-outage", 2, new ChunkMetadata("demo", 2, FinishReason.STOP),
                        "c1", Instant.now()));
            });
            int seen = failures.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> failures.get() >= seen + 3);
            assertThat(probe.chunks("m-outage")).as("nothing more goes live while history fails")
                    .extracting(ResponseChunk::chunkId).containsExactly(0L);

            new JetStreamProvisioner(nc.jetStreamManagement())
                    .applyStreams(StreamSettings.fromEnv(new Env(Map.of("STREAM_STORAGE", "memory"))));
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.hasFinal("m-outage"));
            assertThat(probe.chunks("m-outage")).as("each chunk once, in order")
                    .extracting(ResponseChunk::chunkId).containsExactly(0L, 1L, 2L);
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            context.runOnContext(v -> fanout[0].finalRecorded().onComplete(ar -> recorded.complete(null)));
            recorded.get(10, TimeUnit.SECONDS);
        } finally {
            new JetStreamProvisioner(nc.jetStreamManagement())
                    .applyStreams(StreamSettings.fromEnv(new Env(Map.of("STREAM_STORAGE", "memory"))));
        }
    }
}
