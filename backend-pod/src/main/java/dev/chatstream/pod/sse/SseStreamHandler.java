package dev.chatstream.pod.sse;

import dev.chatstream.pod.config.SseSettings;
import dev.chatstream.pod.http.ApiErrors;
import dev.chatstream.pod.http.SessionIds;
import dev.chatstream.pod.lifecycle.Lifecycle;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.resume.ClientConnection;
import dev.chatstream.pod.resume.SharedReplays;
import dev.chatstream.pod.routing.SessionRouter;
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
 * history after that cursor (through {@link SharedReplays}), while live chunks are held back and merged afterwards.
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
    private final SessionRouter router;
    private final SharedReplays replays;
    private final SseSettings settings;
    private final Lifecycle lifecycle;
    private final PodMetrics metrics;
    private final String podId;
    private final Buffer retryHint;

    public SseStreamHandler(SessionRouter router, SharedReplays replays, SseSettings settings, Lifecycle lifecycle,
                            PodMetrics metrics, String podId) {
        this.router = router;
        this.replays = replays;
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
        ClientConnection connection = new ClientConnection(sessionId, sink, ChunkEventEncoder.INSTANCE, metrics, replays, cursor, cursor == null
                ? null : SseFrames.historyGap(sessionId, cursor.format(), cursor.messageId(), cursor.chunkId()));
        router.attach(connection);
        StreamRelease release = new StreamRelease(router, connection, metrics.activeConnections());
        response.closeHandler(release);
        response.endHandler(release);
        response.exceptionHandler(e -> release.handle(null));
        LOG.atDebug().addKeyValue("pod_id", podId).addKeyValue("session_id", sessionId)
                .addKeyValue("cursor", cursor == null ? null : cursor.format()).log("stream opened");
        if (cursor != null) {
            replays.resume(connection);
        }
    }
}
