package dev.chatstream.pod.sse;

import dev.chatstream.pod.config.SseSettings;
import dev.chatstream.pod.http.ApiErrors;
import dev.chatstream.pod.http.AuthHandler;
import dev.chatstream.pod.http.ChatBody;
import dev.chatstream.pod.http.MessagePublisher;
import dev.chatstream.pod.http.SessionIds;
import dev.chatstream.pod.intake.MessageIds;
import dev.chatstream.pod.lifecycle.Lifecycle;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.resume.ClientConnection;
import dev.chatstream.pod.resume.SharedReplays;
import dev.chatstream.pod.resume.StreamingAnswer;
import dev.chatstream.pod.routing.ClientSink;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AI SDK chat API (UI message stream protocol v5), a second flavour over the same routing and resume path
 * as {@link SseStreamHandler}: {@code POST /api/chat} publishes the new message like the native POST and
 * answers with that answer's stream; {@code GET /api/chat/{id}/stream} answers 204 when no answer of the session
 * streams, else replays the streaming answer from its {@code start} and follows it live. Each response holds
 * one answer ({@link UiMessageStreamEncoder}) and ends after it ({@link AnswerSink}).
 */
public final class AiChatHandler {
    /** Whose value tells the AI SDK the body is a UI message stream. */
    static final String STREAM_HEADER = "x-vercel-ai-ui-message-stream";
    private final SessionRouter router;
    private final SharedReplays replays;
    private final StreamingAnswer streaming;
    private final MessagePublisher publisher;
    private final SseSettings settings;
    private final Lifecycle lifecycle;
    private final PodMetrics metrics;

    public AiChatHandler(SessionRouter router, SharedReplays replays, StreamingAnswer streaming,
                         MessagePublisher publisher, SseSettings settings, Lifecycle lifecycle, PodMetrics metrics) {
        this.router = router;
        this.replays = replays;
        this.streaming = streaming;
        this.publisher = publisher;
        this.settings = settings;
        this.lifecycle = lifecycle;
        this.metrics = metrics;
    }

    /** {@code POST /api/chat}, after {@link ChatBody#read}, authentication and ownership. */
    public void chat(RoutingContext ctx) {
        ChatBody body = ChatBody.of(ctx);
        if (!admitStream(ctx)) {
            return;
        }
        WorkflowRequest request = publisher.request(ctx, body.sessionId(), AuthHandler.userId(ctx).orElse(null),
                body.text(), MessageIds.random());
        // Attached before the publish: the answer's first chunks cannot pass by before the stream exists.
        ClientConnection connection = open(ctx, body.sessionId(), request.messageId());
        connection.oweWhole(request.messageId(), false);
        router.attach(connection);
        // A refusal (429, 503) is answered by the publisher while the head is unwritten; the end releases the stream.
        publisher.submit(ctx, "/api/chat", request, accepted -> {
            if (!ctx.response().headWritten() && !ctx.response().ended()) {
                ctx.response().writeHead();
            }
        });
    }

    /** {@code GET /api/chat/{id}/stream}: the transport's resume URL. */
    public void resume(RoutingContext ctx) {
        String sessionId = ctx.pathParam("id");
        if (!SubjectToken.isValid(sessionId)) {
            ApiErrors.send(ctx, 400, "invalid_session_id", SessionIds.problem(sessionId, "chat id"));
            return;
        }
        Future.fromCompletionStage(ctx.vertx().executeBlocking(() -> streaming.of(sessionId), false).toCompletionStage(),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(messageId -> {
                    if (messageId == null) {
                        ctx.response().setStatusCode(204).end();
                    } else if (admitStream(ctx)) {
                        ClientConnection connection = open(ctx, sessionId, messageId);
                        ctx.response().writeHead(); // nothing left to refuse: keep-alives may flow from here
                        router.attach(connection);
                        // Live batches are held from here on while history brings the answer from its chunk 0.
                        connection.oweWhole(messageId, true);
                    }
                })
                .onFailure(e -> ApiErrors.send(ctx, 503, "nats_unavailable", "cannot read the chat's history now"));
    }

    /** The pod's stream cap and drain state; counts the stream (released by {@link StreamRelease}). */
    private boolean admitStream(RoutingContext ctx) {
        if (lifecycle.draining()) {
            ApiErrors.send(ctx, 503, "draining", "the pod is shutting down; connect to another one");
            return false;
        }
        AtomicInteger active = metrics.activeConnections();
        if (active.incrementAndGet() > settings.maxConnections()) {
            active.decrementAndGet();
            ApiErrors.send(ctx, 503, "too_many_connections", "this pod holds its maximum of streams; retry");
            return false;
        }
        return true;
    }

    private ClientConnection open(RoutingContext ctx, String sessionId, String messageId) {
        HttpServerResponse response = ctx.response();
        boolean http2 = ctx.request().version() == HttpVersion.HTTP_2;
        response.setChunked(true)
                .setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .putHeader(STREAM_HEADER, "v1")
                .setWriteQueueMaxSize(settings.writeBufferBytes());
        ClientSink sink = new AnswerSink(new ResponseSink(response, ctx.request().connection(),
                ctx.vertx().getOrCreateContext(), http2), response::headWritten);
        ClientConnection connection = new ClientConnection(sessionId, sink, new UiMessageStreamEncoder(messageId),
                metrics, replays, null, null);
        StreamRelease release = new StreamRelease(router, connection, metrics.activeConnections());
        response.closeHandler(release);
        response.endHandler(release);
        response.exceptionHandler(e -> release.handle(null));
        return connection;
    }
}
