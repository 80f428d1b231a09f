package dev.chatstream.pod.http;

import dev.chatstream.pod.resume.StreamingAnswer;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/chat/{id}/stop} (body optional): the AI SDK's {@code stop()} only aborts its fetch, so an app
 * calls this to end the generation. It cancels the answer of session {@code id} that is streaming, through the
 * native cancel path ({@link CancelHandler}: 202, 409 already finished, 404); 404 when none streams.
 */
public final class ChatStopHandler {
    private final StreamingAnswer streaming;
    private final CancelHandler cancel;

    public ChatStopHandler(StreamingAnswer streaming, CancelHandler cancel) {
        this.streaming = streaming;
        this.cancel = cancel;
    }

    public void handle(RoutingContext ctx) {
        String sessionId = ctx.pathParam("id");
        if (!SubjectToken.isValid(sessionId)) {
            ApiErrors.send(ctx, 400, "invalid_session_id", SessionIds.problem(sessionId, "chat id"));
            return;
        }
        OnRequestContext.of(ctx, ctx.vertx().executeBlocking(() -> streaming.of(sessionId), false))
                .onSuccess(messageId -> {
                    if (messageId == null) {
                        ApiErrors.send(ctx, 404, "message_not_found", "no answer is streaming in this chat");
                    } else {
                        cancel.cancel(ctx, sessionId, messageId);
                    }
                })
                .onFailure(e -> ApiErrors.send(ctx, 503, "nats_unavailable", "cannot read the chat's history now"));
    }
}
