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
 * Live goes out at once, history per window: a burst is one live batch, paced tokens go live one by one and
 * are recorded a window at a time; live runs at most {@link dev.chatstream.wire.LiveAhead#MAX_CHUNKS} ahead of
 * history's acknowledgements, and once history fails it waits for them.
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
        provisionStreams();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close();
        nc.close();
        nats.close();
    }

    /** The test streams, in memory (again, after a test deleted CHAT_HISTORY). */
    private static void provisionStreams() throws Exception {
        new JetStreamProvisioner(nc.jetStreamManagement())
                .applyStreams(StreamSettings.fromEnv(new Env(Map.of("STREAM_STORAGE", "memory"))));
    }

    /**
     * The defaults with history writes retried longer than pods would wait, which configuration refuses: built
     * directly, so a test can keep history failing a while.
     */
    private static FanoutSettings retryingLong() {
        FanoutSettings defaults = FanoutSettings.fromEnv(new Env(Map.of()));
        return new FanoutSettings(defaults.historyFlushInterval(), defaults.historyFlushBytes(),
                new dev.chatstream.wire.HistoryRetryPolicy(20, Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(20)),
                defaults.historyMaxInFlight(), defaults.liveFrameTick());
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

    /** Publishes {@code chunks} content chunks and a final one, {@code spacingMs} apart like a paced provider. */
    private static List<ChunkProbe.Batch> runPaced(String sid, int chunks, long spacingMs) throws Exception {
        FanoutSettings settings = FanoutSettings.fromEnv(new Env(Map.of()));
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), settings, FanoutMetrics.NONE);
        String subject = Subjects.podResponse("pod-" + sid);
        String mid = "m-" + sid;
        try (ChunkProbe probe = new ChunkProbe(nc, subject)) {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            context.runOnContext(v -> {
                MessageFanout fanout = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                        new MessageInfo(sid, mid, 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
                fanout.finalRecorded().onComplete(ar -> recorded.complete(null));
                long[] next = {0};
                vertx.setPeriodic(spacingMs, id -> {
                    long i = next[0]++;
                    if (i < chunks) {
                        fanout.publish(ResponseChunk.content(sid, mid, i, "t ", "c1", Instant.now()));
                    } else {
                        vertx.cancelTimer(id);
                        fanout.publish(ResponseChunk.finalChunk(sid, mid, chunks,
                                new ChunkMetadata("demo", chunks, FinishReason.STOP), "c1", Instant.now()));
                    }
                });
            });
            recorded.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.hasFinal(mid));
            assertThat(probe.chunks(mid)).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(0, chunks).boxed().toList());
            return probe.batches(mid);
        }
    }

    /** The history batches stored for {@code sid}, in stream order. */
    private static List<io.nats.client.Message> history(String sid) throws Exception {
        io.nats.client.JetStreamSubscription history = nc.jetStream().subscribe(Subjects.history(sid),
                io.nats.client.PushSubscribeOptions.builder().stream(dev.chatstream.streams.StreamDefinitions.CHAT_HISTORY)
                        .ordered(true).build());
        List<io.nats.client.Message> stored = new java.util.ArrayList<>();
        for (io.nats.client.Message m = history.nextMessage(Duration.ofSeconds(2)); m != null;
             m = history.nextMessage(Duration.ofMillis(300))) {
            stored.add(m);
        }
        history.unsubscribe();
        return stored;
    }

    @Test
    @DisplayName("a burst produced in one event-loop turn goes live as one batch, without waiting for history's acknowledgement, and is recorded in one write")
    void burstGoesLiveAsOneBatch() throws Exception {
        List<ChunkProbe.Batch> batches = run("burst", 10);
        assertThat(batches).hasSize(1);
        assertThat(batches.getFirst().header(ChunkHeaders.CHUNK_COUNT)).isEqualTo("11");
        assertThat(batches.getFirst().header(ChunkHeaders.FINAL)).isEqualTo("true");
        assertThat(history("burst")).as("the turn's chunks in one write, sent before they went live").hasSize(1);
    }

    @Test
    @DisplayName("paced tokens go live one by one as they come; history records the first at once, then per window (HISTORY_FLUSH_INTERVAL), not per token")
    void pacedTokensAreRecordedPerWindow() throws Exception {
        // 30 tokens 20 ms apart: 600 ms, so about 6 windows of 100 ms (and the final chunk written at once).
        List<ChunkProbe.Batch> batches = runPaced("paced", 30, 20);
        assertThat(batches).as("live: one batch per token").hasSize(31);
        List<io.nats.client.Message> stored = history("paced");
        assertThat(stored).as("history: per window").hasSizeBetween(4, 10);
        assertThat(stored.getFirst().getHeaders().getFirst(ChunkHeaders.CHUNK_COUNT))
                .as("the first chunk is written at once, so history shows the answer streaming").isEqualTo("1");
        long expectedFirst = 0;
        for (io.nats.client.Message m : stored) {
            assertThat(Long.parseLong(m.getHeaders().getFirst(ChunkHeaders.FIRST_CHUNK_ID))).isEqualTo(expectedFirst);
            expectedFirst += Integer.parseInt(m.getHeaders().getFirst(ChunkHeaders.CHUNK_COUNT));
        }
        assertThat(expectedFirst).as("every chunk recorded once, in order").isEqualTo(31);
    }

    @Test
    @DisplayName("live batches after the message's first history acknowledgement carry Chat-History-Start, the stream sequence of its first stored batch")
    void laterBatchesSayWhereHistoryStarts() throws Exception {
        List<ChunkProbe.Batch> batches = runPaced("starts", 15, 20);
        long first = nc.jetStreamManagement().getFirstMessage(dev.chatstream.streams.StreamDefinitions.CHAT_HISTORY,
                Subjects.history("starts")).getSeq();
        assertThat(batches.getFirst().header(ChunkHeaders.HISTORY_START)).as("before any acknowledgement").isNull();
        assertThat(batches.getLast().header(ChunkHeaders.HISTORY_START)).isEqualTo(Long.toString(first));
        int known = 0;
        while (batches.get(known).header(ChunkHeaders.HISTORY_START) == null) {
            known++;
        }
        assertThat(batches.subList(known, batches.size())).as("once known, every later batch says it")
                .extracting(batch -> batch.header(ChunkHeaders.HISTORY_START)).containsOnly(Long.toString(first));
    }

    @Test
    @DisplayName("live runs at most LiveAhead.MAX_CHUNKS chunks past what history acknowledged; the rest follows once history takes it")
    void liveRunsAtMostMaxChunksAhead() throws Exception {
        String sid = "ahead";
        String subject = Subjects.podResponse("pod-" + sid);
        FanoutSettings settings = retryingLong();
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), settings, FanoutMetrics.NONE);
        nc.jetStreamManagement().deleteStream(dev.chatstream.streams.StreamDefinitions.CHAT_HISTORY);
        try (ChunkProbe probe = new ChunkProbe(nc, subject)) {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            context.runOnContext(v -> {
                MessageFanout fanout = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                        new MessageInfo(sid, "m-ahead", 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
                fanout.finalRecorded().onComplete(ar -> recorded.complete(null));
                for (int i = 0; i < 100; i++) {
                    fanout.publish(ResponseChunk.content(sid, "m-ahead", i, "t ", "c1", Instant.now()));
                }
                fanout.publish(ResponseChunk.finalChunk(sid, "m-ahead", 100, new ChunkMetadata("demo", 100, FinishReason.STOP),
                        "c1", Instant.now()));
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.chunks("m-ahead").size() == dev.chatstream.wire.LiveAhead.MAX_CHUNKS);
            // Nothing more may follow while history holds nothing.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> probe.chunks("m-ahead").size() == dev.chatstream.wire.LiveAhead.MAX_CHUNKS);
            assertThat(probe.chunks("m-ahead")).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.range(0, dev.chatstream.wire.LiveAhead.MAX_CHUNKS).boxed().toList());

            provisionStreams();
            recorded.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.hasFinal("m-ahead"));
            assertThat(probe.chunks("m-ahead")).as("each chunk once, in order").extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(0, 100).boxed().toList());
        } finally {
            provisionStreams();
        }
    }

    @Test
    @DisplayName("a hand-over asked while the final chunk's write is in flight completes once it is recorded")
    void handOverDuringTheFinalWriteCompletes() throws Exception {
        FanoutSettings settings = FanoutSettings.fromEnv(new Env(Map.of()));
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), settings, FanoutMetrics.NONE);
        String subject = Subjects.podResponse("pod-handover");
        CompletableFuture<Boolean> handedOver = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            MessageFanout fanout = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                    new MessageInfo("handover", "m-handover", 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
            fanout.publish(ResponseChunk.content("handover", "m-handover", 0, "t ", "c1", Instant.now()));
            fanout.publish(ResponseChunk.finalChunk("handover", "m-handover", 1, new ChunkMetadata("demo", 1, FinishReason.STOP),
                    "c1", Instant.now()));
            // A worker stopping right now: the final chunk's write is on its way, not yet acknowledged.
            fanout.flushForHandOver().onComplete(ar -> handedOver.complete(ar.succeeded()));
        });
        assertThat(handedOver.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(history("handover")).extracting(m -> m.getHeaders().getFirst(ChunkHeaders.FINAL)).contains("true");
    }

    @Test
    @DisplayName("every chunk that went live is in history, byte for byte, once the final chunk is recorded")
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
    @DisplayName("an answer's first chunk goes live only behind its history write: a worker that stops right after showing it leaves it in history, so the redelivery restarts above it")
    void firstChunkLiveIsAlreadyOnItsWayToHistory() throws Exception {
        String sid = "first";
        String mid = "m-first";
        String subject = Subjects.podResponse("pod-" + sid);
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), FanoutSettings.fromEnv(new Env(Map.of())),
                FanoutMetrics.NONE);
        try (ChunkProbe probe = new ChunkProbe(nc, subject)) {
            Context context = vertx.getOrCreateContext();
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            context.runOnContext(v -> {
                MessageFanout fanout = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                        new MessageInfo(sid, mid, 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
                fanout.publish(ResponseChunk.content(sid, mid, 0, "t ", "c1", Instant.now()));
                // The worker dies right after the turn that showed the chunk (well inside HISTORY_FLUSH_INTERVAL):
                // nothing more is written, retries included.
                context.runOnContext(w -> {
                    fanout.abandon();
                    stopped.complete(null);
                });
            });
            stopped.get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.chunks(mid).size() == 1);
            // Empty history would make the redelivery start again at chunk 0, no restart notice: clients would
            // get ids 0.. twice, two attempts glued together.
            assertThat(history(sid)).as("the chunk clients saw is recorded").hasSize(1);
        }
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
    @DisplayName("after a failed history write live waits for each acknowledgement, so history no longer waits for a window: paced tokens are written as they come")
    void afterAFailureHistoryDoesNotWaitForAWindow() throws Exception {
        String sid = "degraded";
        String mid = "m-degraded";
        String subject = Subjects.podResponse("pod-" + sid);
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        FanoutMetrics countFailures = new FanoutMetrics() {
            @Override
            public void historyFailed(boolean willRetry) {
                failures.incrementAndGet();
            }
        };
        FanoutSettings settings = retryingLong();
        ChunkTransport transport = new ChunkTransport(nc, nc.jetStream(), settings, countFailures);
        nc.jetStreamManagement().deleteStream(dev.chatstream.streams.StreamDefinitions.CHAT_HISTORY);
        try (ChunkProbe probe = new ChunkProbe(nc, subject)) {
            Context context = vertx.getOrCreateContext();
            MessageFanout[] fanout = new MessageFanout[1];
            context.runOnContext(v -> {
                fanout[0] = MessageFanout.open(vertx, context, transport, MessageCodec.standard(),
                        new MessageInfo(sid, mid, 1, "c1", null), () -> List.of(subject), Clock.systemUTC());
                fanout[0].publish(ResponseChunk.content(sid, mid, 0, "t ", "c1", Instant.now()));
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> failures.get() >= 1);
            provisionStreams();
            await().atMost(Duration.ofSeconds(10)).until(() -> !history(sid).isEmpty());

            // 10 tokens 30 ms apart (300 ms: three windows), then the final chunk.
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            context.runOnContext(v -> {
                fanout[0].finalRecorded().onComplete(ar -> recorded.complete(null));
                long[] next = {1};
                vertx.setPeriodic(30, id -> {
                    long i = next[0]++;
                    if (i <= 10) {
                        fanout[0].publish(ResponseChunk.content(sid, mid, i, "t ", "c1", Instant.now()));
                    } else {
                        vertx.cancelTimer(id);
                        fanout[0].publish(ResponseChunk.finalChunk(sid, mid, 11,
                                new ChunkMetadata("demo", 11, FinishReason.STOP), "c1", Instant.now()));
                    }
                });
            });
            recorded.get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> probe.hasFinal(mid));
            assertThat(probe.chunks(mid)).extracting(ResponseChunk::chunkId)
                    .containsExactlyElementsOf(LongStream.rangeClosed(0, 11).boxed().toList());
            // Per window, tokens 1..10 would take about four writes; each waiting for its acknowledgement to go live,
            // they would reach clients in bursts a window apart.
            assertThat(history(sid)).as("tokens written as they come, not per window").hasSizeGreaterThanOrEqualTo(8);
        } finally {
            provisionStreams();
        }
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
        FanoutSettings settings = retryingLong();
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

            provisionStreams();
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.hasFinal("m-outage"));
            assertThat(probe.chunks("m-outage")).as("each chunk once, in order")
                    .extracting(ResponseChunk::chunkId).containsExactly(0L, 1L, 2L);
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            context.runOnContext(v -> fanout[0].finalRecorded().onComplete(ar -> recorded.complete(null)));
            recorded.get(10, TimeUnit.SECONDS);
        } finally {
            provisionStreams();
        }
    }
}
