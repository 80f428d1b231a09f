package dev.chatstream.pod.sse;

import dev.chatstream.pod.config.SseSettings;
import dev.chatstream.pod.http.ApiErrors;
import dev.chatstream.pod.http.Lifecycle;
import dev.chatstream.pod.http.SessionIds;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.nats.HistoryReplayer;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.routing.Subscriber;
import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.wire.Cursor;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.net.RFC3986;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/sessions/{sid}/stream}: turns the request into an SSE response and hands it to the
 * router as a sink. With {@code Last-Event-ID} (header) or {@code lastEventId} (query) it first replays
 * history after that cursor, off the event loop, while live chunks are held back and merged afterwards.
 */
public final class SseStreamHandler {
    public static final String LAST_EVENT_ID_HEADER = "Last-Event-ID";
    public static final String LAST_EVENT_ID_QUERY = "lastEventId";
    /**
     * {@code GET /api/sessions/{sid}/stream}, matched without a named parameter: vertx-web copies named path
     * parameters into the request's parameter map, which the request then keeps for the stream's whole
     * life (128 bytes and more per held stream). The handler reads the session id from the path itself.
     */
    public static final String ROUTE_REGEX = "/api/sessions/[^/]+/stream";
    private static final String ROUTE_PREFIX = "/api/sessions/";
    private static final String ROUTE_SUFFIX = "/stream";
    private static final Logger LOG = LoggerFactory.getLogger(SseStreamHandler.class);
    /** A replay keeps retrying for this many replay timeouts before the stream goes on without it. */
    private static final int REPLAY_ATTEMPT_WINDOWS = 3;
    private static final long REPLAY_FIRST_BACKOFF_MS = 100;
    private static final long REPLAY_MAX_BACKOFF_MS = 2_000;
    /** Longer than the workers' registry re-read (1 s): by then a resumed stream's pod is routed to. */
    private static final long TAIL_CHECK_MS = 1_500;

    private final io.vertx.core.Vertx vertx;
    private final SessionRouter router;
    private final HistoryReplayer history;
    private final SseSettings settings;
    private final Lifecycle lifecycle;
    private final PodMetrics metrics;
    private final String podId;
    private final Buffer retryHint;

    public SseStreamHandler(io.vertx.core.Vertx vertx, SessionRouter router, HistoryReplayer history, SseSettings settings,
                            Lifecycle lifecycle, PodMetrics metrics, String podId) {
        this.vertx = vertx;
        this.router = router;
        router.gapRepair(new dev.chatstream.pod.routing.GapRepair() {
            @Override
            public void replay(Subscriber subscriber) {
                LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("session_id", subscriber.sessionId())
                        .log("a live stream has a hole (chunks lost on the way); filling it from history");
                SseStreamHandler.this.replay(subscriber.sessionId(), subscriber.sink(), subscriber);
            }

            @Override
            public void replayAfter(Subscriber subscriber, long delayMs) {
                vertx.setTimer(delayMs, id -> SseStreamHandler.this.replay(subscriber.sessionId(), subscriber.sink(), subscriber));
            }
        });
        this.history = history;
        this.settings = settings;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.podId = podId;
        this.retryHint = SseFrames.retry(settings.retry());
    }

    /** The reconnect hint every stream starts with and ends with on shutdown. */
    public Buffer retryHint() {
        return retryHint;
    }

    public void handle(RoutingContext ctx) {
        String sessionId;
        try {
            sessionId = sessionId(ctx.normalizedPath());
        } catch (IllegalArgumentException e) {
            ctx.fail(400, e);
            return;
        }
        if (!SubjectToken.isValid(sessionId)) {
            ApiErrors.send(ctx, 400, "invalid_session_id", SessionIds.problem(sessionId, "session id"));
            return;
        }
        String rawCursor = ctx.request().getHeader(LAST_EVENT_ID_HEADER);
        if (rawCursor == null || rawCursor.isEmpty()) {
            // The routing context's own query map: request.getParam would build a map the request keeps.
            rawCursor = ctx.queryParam(LAST_EVENT_ID_QUERY).stream().findFirst().orElse(null);
        }
        Cursor cursor = null;
        Buffer earlyGap = null;
        if (rawCursor != null && !rawCursor.isEmpty()) {
            try {
                cursor = Cursor.parse(rawCursor);
            } catch (IllegalArgumentException e) {
                if (!SubjectToken.isValid(rawCursor)) {
                    ApiErrors.send(ctx, 400, "invalid_cursor", "Last-Event-ID must look like <message_id>:<chunk_id>");
                    return;
                }
                // A token that is no cursor cannot be found in history: say so, then go live.
                earlyGap = SseFrames.historyGap(sessionId, rawCursor, rawCursor, 0);
            }
        }
        if (lifecycle.draining()) {
            ApiErrors.send(ctx, 503, "draining", "the pod is shutting down; connect to another one");
            return;
        }
        AtomicInteger active = metrics.activeConnections();
        if (active.incrementAndGet() > settings.maxConnections()) {
            active.decrementAndGet();
            ApiErrors.send(ctx, 503, "too_many_connections", "this pod holds its maximum of streams; retry");
            return;
        }
        open(ctx, sessionId, cursor, earlyGap);
    }

    /** The session id of a path {@link #ROUTE_REGEX} matched, percent-decoded as vertx-web decodes a path parameter. */
    static String sessionId(String path) {
        return RFC3986.decodeURIComponent(path.substring(ROUTE_PREFIX.length(), path.length() - ROUTE_SUFFIX.length()), false);
    }

    private void open(RoutingContext ctx, String sessionId, Cursor cursor, Buffer earlyGap) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .setWriteQueueMaxSize(settings.writeBufferBytes());
        boolean http2 = ctx.request().version() == io.vertx.core.http.HttpVersion.HTTP_2;
        if (!http2) {
            // Connection-specific headers are forbidden in HTTP/2 (clients reject the response).
            response.putHeader("Connection", "keep-alive");
        }
        response.write(retryHint);
        HandshakeMemory.release(ctx.request(), response);
        if (earlyGap != null) {
            response.write(earlyGap);
        }
        Context context = ctx.vertx().getOrCreateContext();
        ResponseSink sink = new ResponseSink(response, ctx.request().connection(), context, http2);
        Subscriber subscriber = cursor == null
                ? router.attach(sessionId, sink)
                : router.attach(sessionId, sink, cursor,
                SseFrames.historyGap(sessionId, cursor.format(), cursor.messageId(), cursor.chunkId()));
        StreamRelease release = new StreamRelease(router, subscriber, metrics.activeConnections());
        response.closeHandler(release);
        response.endHandler(release);
        response.exceptionHandler(e -> release.handle(null));
        LOG.atDebug().addKeyValue("pod_id", podId).addKeyValue("session_id", sessionId)
                .addKeyValue("cursor", cursor == null ? null : cursor.format()).log("stream opened");
        if (cursor != null) {
            replay(sessionId, sink, subscriber);
        }
    }

    /**
     * After a replay, checks now and then that the answers this connection has begun keep arriving
     * live; see {@link Subscriber#checkTail}.
     */
    private void watchTail(dev.chatstream.pod.routing.SseSink sink, Subscriber subscriber) {
        vertx.setTimer(TAIL_CHECK_MS, id -> sink.execute(() -> {
            if (subscriber.checkTail() == Subscriber.TailCheck.AGAIN) {
                watchTail(sink, subscriber);
            }
        }));
    }

    /** Feeds history to {@code subscriber} off the event loop, then ends its replay; also fills holes in live streams. */
    private void replay(String sessionId, dev.chatstream.pod.routing.SseSink sink, Subscriber subscriber) {
        long giveUpAt = System.nanoTime() + settings.replayTimeout().multipliedBy(REPLAY_ATTEMPT_WINDOWS).toNanos();
        replayAttempt(sessionId, sink, subscriber, giveUpAt, REPLAY_FIRST_BACKOFF_MS);
    }

    /**
     * One try at reading history. A failure (JetStream electing a new leader, NATS reconnecting) is
     * retried with backoff while live batches stay held, because ending the replay now would show the
     * client a hole; only past the give-up time does the stream go on without it. Batches a failed try
     * already handed over come again on the next one and are dropped as duplicates.
     */
    private void replayAttempt(String sessionId, dev.chatstream.pod.routing.SseSink sink, Subscriber subscriber,
                               long giveUpAt, long backoffMs) {
        int[] batches = new int[1];
        vertx.executeBlocking(() -> history.replay(sessionId,
                        batch -> {
                            batches[0]++;
                            sink.execute(() -> subscriber.deliverHistory(batch));
                        }, settings.replayTimeout()), false)
                .onComplete(result -> {
                    metrics.replayed(batches[0]);
                    if (result.failed() && !subscriber.isClosed() && System.nanoTime() + backoffMs * 1_000_000 < giveUpAt) {
                        LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("session_id", sessionId)
                                .log("history replay failed, retrying in " + backoffMs + " ms: " + result.cause());
                        vertx.setTimer(backoffMs, id -> replayAttempt(sessionId, sink, subscriber, giveUpAt,
                                Math.min(REPLAY_MAX_BACKOFF_MS, backoffMs * 2)));
                        return;
                    }
                    if (result.failed()) {
                        LOG.atWarn().addKeyValue("pod_id", podId).addKeyValue("session_id", sessionId)
                                .log("history replay failed for good, telling the client about a gap: " + result.cause());
                    }
                    // Queued behind every history batch handed over above.
                    boolean complete = result.succeeded();
                    sink.execute(() -> subscriber.endReplay(complete));
                    watchTail(sink, subscriber);
                });
    }
}
