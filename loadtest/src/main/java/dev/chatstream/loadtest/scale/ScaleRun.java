package dev.chatstream.loadtest.scale;

import dev.chatstream.loadtest.app.Options;
import dev.chatstream.loadtest.auth.Identities;
import dev.chatstream.loadtest.check.StreamChecker;
import dev.chatstream.loadtest.metrics.CpuWatch;
import dev.chatstream.loadtest.metrics.LatencySummary;
import dev.chatstream.loadtest.metrics.RunMetrics;
import dev.chatstream.loadtest.report.ScaleReport;
import dev.chatstream.loadtest.sse.Clients;
import dev.chatstream.loadtest.sse.SseStream;
import dev.chatstream.loadtest.sse.StreamOpener;
import dev.chatstream.loadtest.sse.Targets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code scale} mode: K idle SSE connections to one pod, all in one session, then one message
 * fanned out to all of them. Reports the pod's resident memory per connection (VmRSS delta / K)
 * and how long until the last client had the first and the final chunk.
 */
public final class ScaleRun {
    private final Options options;
    private final Consumer<String> out;
    private final RunMetrics metrics = new RunMetrics();

    public ScaleRun(Options options, Consumer<String> out) {
        this.options = options;
        this.out = out;
    }

    public ScaleReport execute() throws Exception {
        Instant startedAt = Instant.now();
        URI target = options.targets().get(0);
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
        String sessionId = "lt-" + runId + "-scale";
        int k = options.connections();
        Vertx vertx = Vertx.vertx();
        Clients clients = new Clients(vertx, k, options.localAddresses(), 4, options.http2());
        FanoutClock clock = new FanoutClock();
        try {
            if (options.podGc()) {
                Rss.fullGc(options.podPid());
            }
            long rssBefore = Rss.bytes(options.podPid());
            // One user owns the fan-out session and opens all its connections (the pods' per-user connection cap
            // must allow K); the warm-up session has a user of its own.
            Identities identities = Identities.resolve(clients.forPosts(), target, options.auth(),
                    List.of(sessionId, sessionId + "-warmup"));
            List<SseStream> streams = new ArrayList<>(k);
            for (int i = 0; i < k; i++) {
                streams.add(new SseStream(vertx, clients.forStream(i), target, sessionId, metrics, clock,
                        identities.forSession(sessionId)));
            }
            long openStart = System.nanoTime();
            int opened = StreamOpener.openAll(streams, options.connectConcurrency())
                    .toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
            double openSeconds = (System.nanoTime() - openStart) / 1e9;
            out.accept("opened %d/%d SSE streams in %.1f s from %d source address(es)%s"
                    .formatted(opened, k, openSeconds, options.localAddresses(), options.http2() ? " over HTTP/2" : ""));
            // One answer to another session first, so the fan-out below is not the cold start of a fresh worker.
            int warmStatus = post(clients, identities, target, sessionId + "-warmup", "lt" + runId + "warm");
            out.accept("warm-up message answered " + warmStatus);
            Thread.sleep(options.settle().toMillis());
            if (options.podGc()) {
                Rss.fullGc(options.podPid());
            }
            long rssAfter = Rss.bytes(options.podPid());

            java.util.Map<String, Long> watched = new java.util.LinkedHashMap<>(options.watchPids());
            if (options.podPid() > 0) {
                watched.putIfAbsent("pod", options.podPid());
            }
            CpuWatch cpu = new CpuWatch(watched);
            cpu.start();
            String messageId = "lt" + runId + "fan";
            long sent = System.nanoTime();
            clock.sent(messageId, sent);
            int status = post(clients, identities, target, sessionId, messageId);
            out.accept("POST answered %d in %.1f ms".formatted(status, (System.nanoTime() - sent) / 1e6));
            long deadline = System.nanoTime() + options.grace().toNanos();
            while (clock.finals.get() < opened && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            java.util.Map<String, Double> cores = cpu.coresUsed();
            Thread.sleep(200);
            long rssPeak = Rss.bytes(options.podPid());
            streams.forEach(SseStream::close);

            long lost = 0;
            long unfinished = 0;
            for (SseStream stream : streams) {
                if (stream.established()) {
                    StreamChecker.Audit audit = stream.checker().audit(messageId, options.chunksPerMessage());
                    lost += audit.lostChunks();
                    unfinished += audit.unfinishedMessages();
                }
            }
            return new ScaleReport("scale", options.label(), startedAt, target, options.http2() ? "HTTP/2" : "HTTP/1.1",
                    k, opened, options.localAddresses(),
                    round(openSeconds), options.podPid(), options.podGc(), rssBefore, rssAfter, rssPeak,
                    opened > 0 && rssBefore > 0 && rssAfter > 0 ? (rssAfter - rssBefore) / opened : -1,
                    status, options.maxTokens(), clock.finals.get(),
                    LatencySummary.of(clock.first.getIntervalHistogram()), LatencySummary.of(clock.last.getIntervalHistogram()),
                    clock.latestFirst.get() / 1e6, clock.latestFinal.get() / 1e6, lost, unfinished,
                    metrics.duplicates.sum(), metrics.outOfOrder.sum(), metrics.errors(), cores);
        } finally {
            clients.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private int post(Clients clients, Identities identities, URI target, String sessionId, String messageId) throws Exception {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(target.getHost())
                .setPort(Targets.port(target))
                .setSsl(Targets.tls(target))
                .setURI("/api/sessions/" + sessionId + "/messages")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("Idempotency-Key", messageId);
        identities.forSession(sessionId).applyTo(request);
        Buffer body = Buffer.buffer("{\"message\":\"fan out\",\"context\":{\"ai_provider\":\"demo\",\"max_tokens\":"
                + options.maxTokens() + "}}");
        return clients.forPosts().request(request)
                .compose(r -> r.send(body))
                .map(HttpClientResponse::statusCode)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
