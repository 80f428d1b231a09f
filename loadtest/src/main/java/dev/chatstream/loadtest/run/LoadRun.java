package dev.chatstream.loadtest.run;

import dev.chatstream.loadtest.app.Options;
import dev.chatstream.loadtest.auth.Identities;
import dev.chatstream.loadtest.check.StreamChecker;
import dev.chatstream.loadtest.metrics.CpuWatch;
import dev.chatstream.loadtest.metrics.RunMetrics;
import dev.chatstream.loadtest.nats.NatsBaseline;
import dev.chatstream.loadtest.report.RunReport;
import dev.chatstream.loadtest.sse.Clients;
import dev.chatstream.loadtest.sse.SseStream;
import dev.chatstream.loadtest.sse.StreamOpener;
import io.vertx.core.Vertx;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code run} mode: opens every SSE stream, posts messages at the configured rate for
 * warm-up + duration, waits for the answers, audits every connection, and (with a NATS URL)
 * measures the raw NATS baseline through the same server with the same payload size.
 */
public final class LoadRun {
    private final Options options;
    private final Consumer<String> out;
    private final RunMetrics metrics = new RunMetrics();

    public LoadRun(Options options, Consumer<String> out) {
        this.options = options;
        this.out = out;
    }

    public RunReport execute() throws Exception {
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        Instant startedAt = Instant.now();
        Vertx vertx = Vertx.vertx();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtest-progress");
            t.setDaemon(true);
            return t;
        });
        Clients clients = new Clients(vertx, options.connections(), options.localAddresses(), 64 * options.targets().size(),
                options.http2());
        try {
            MessageBook book = new MessageBook(metrics);
            List<String> sessions = new ArrayList<>();
            Map<String, List<SseStream>> streamsBySession = new HashMap<>();
            List<SseStream> streams = new ArrayList<>();
            for (int s = 0; s < options.sessions(); s++) {
                sessions.add("lt-" + runId + "-s" + s);
            }
            Identities identities = Identities.resolve(clients.forPosts(), options.targets().get(0), options.auth(), sessions);
            out.accept("identities: " + identities.mode().name().toLowerCase(java.util.Locale.ROOT) + ", one user per session");
            for (int s = 0; s < sessions.size(); s++) {
                String sessionId = sessions.get(s);
                for (int c = 0; c < options.connectionsPerSession(); c++) {
                    int index = s * options.connectionsPerSession() + c;
                    URI target = options.targets().get(index % options.targets().size());
                    SseStream stream = new SseStream(vertx, clients.forStream(index), target, sessionId, metrics, book,
                            identities.forSession(sessionId));
                    streams.add(stream);
                    streamsBySession.computeIfAbsent(sessionId, k -> new ArrayList<>()).add(stream);
                }
            }

            // Open every stream before the first message, so each connection is owed every message.
            long openStart = System.nanoTime();
            int opened = StreamOpener.openAll(streams, options.connectConcurrency())
                    .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            out.accept("opened %d/%d SSE streams in %.1f s".formatted(opened, streams.size(), (System.nanoTime() - openStart) / 1e9));
            if (opened == 0) {
                throw new IllegalStateException("no SSE stream could be opened to " + options.targets() + ": " + metrics.errors());
            }

            Progress progress = new Progress(metrics, out, options.quiet());
            ticker.scheduleAtFixedRate(progress::tick, 1, 1, TimeUnit.SECONDS);
            MessageSender sender = new MessageSender(vertx, clients.forPosts(), options.targets(), sessions, book, identities, metrics,
                    options.rate(), options.ramp(), options.messages(), options.maxTokens(), "lt" + runId.replace("-", "") + "m");
            sender.start();
            sleep(options.warmup());
            CpuWatch cpu = new CpuWatch(options.watchPids());
            cpu.start();
            metrics.startMeasuring();
            progress.mark("measuring");
            sleep(options.duration());
            sender.stop();
            metrics.stopMeasuring();
            Map<String, Double> cores = cpu.coresUsed();
            progress.mark("sending stopped; waiting up to " + options.grace().toSeconds() + " s for answers");

            long graceEnd = System.nanoTime() + options.grace().toNanos();
            while (System.nanoTime() < graceEnd && !book.allFinished(options.connectionsPerSession())) {
                Thread.sleep(50);
            }
            // Late duplicates still count: give in-flight events a moment, then stop.
            Thread.sleep(200);
            ticker.shutdownNow();
            streams.forEach(SseStream::close);

            RunReport.Correctness correctness = audit(book, streamsBySession);
            NatsBaseline.Result baseline = null;
            if (options.natsUrl() != null) {
                int payload = options.payloadBytes() > 0 ? options.payloadBytes() : metrics.meanChunkBytes();
                double measuredRate = metrics.measuredChunks() / Math.max(0.001, metrics.measuredSeconds());
                List<Double> rates = options.natsRates().isEmpty()
                        ? List.of((double) Math.max(1, Math.round(measuredRate)))
                        : options.natsRates();
                baseline = new NatsBaseline(options.natsUrl(), payload, out)
                        .run(options.baselineDuration(), rates, options.baselineDuration());
            }
            return RunReport.of(options, startedAt, opened, metrics, correctness, baseline, cores);
        } finally {
            ticker.shutdownNow();
            clients.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Every accepted message must have reached every established connection of its session in full. */
    private RunReport.Correctness audit(MessageBook book, Map<String, List<SseStream>> streamsBySession) {
        long lost = 0;
        long unfinished = 0;
        long expectedChunks = 0;
        long accepted = 0;
        for (MessageBook.Posted posted : book.all()) {
            if (!posted.accepted) {
                continue;
            }
            accepted++;
            for (SseStream stream : streamsBySession.getOrDefault(posted.sessionId, List.of())) {
                if (!stream.established()) {
                    continue;
                }
                expectedChunks += options.chunksPerMessage();
                StreamChecker.Audit audit = stream.checker().audit(posted.messageId, options.chunksPerMessage());
                lost += audit.lostChunks();
                unfinished += audit.unfinishedMessages();
            }
        }
        return new RunReport.Correctness(accepted, expectedChunks, lost, unfinished,
                metrics.duplicates.sum(), metrics.outOfOrder.sum());
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
