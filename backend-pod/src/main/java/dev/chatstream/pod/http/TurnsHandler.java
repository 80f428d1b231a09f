package dev.chatstream.pod.http;

import dev.chatstream.pod.nats.ConversationReader;
import dev.chatstream.pod.nats.NatsUnavailableException;
import dev.chatstream.schemas.StoredTurn;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/sessions/{sid}/messages}: the session's turns as the server keeps them,
 * {@code {"messages":[{"role","text","message_id","finish_reason"?,"timestamp"}]}}, oldest first. Only the
 * owner gets here ({@link OwnershipHandler} runs first). 503 while NATS is down or the read fails.
 */
public final class TurnsHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TurnsHandler.class);

    private final ConversationReader reader;

    public TurnsHandler(ConversationReader reader) {
        this.reader = reader;
    }

    public void handle(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        if (!SubjectToken.isValid(sessionId)) {
            ApiErrors.send(ctx, 400, "invalid_session_id", SessionIds.problem(sessionId, "session id"));
            return;
        }
        OnRequestContext.of(ctx, reader.turns(sessionId))
                .onSuccess(turns -> {
                    JsonArray messages = new JsonArray();
                    turns.forEach(turn -> messages.add(json(turn)));
                    ApiErrors.json(ctx, 200, new JsonObject().put("messages", messages));
                })
                .onFailure(e -> {
                    if (!(e instanceof NatsUnavailableException)) {
                        LOG.atWarn().addKeyValue("session_id", sessionId).log("reading the turns failed: " + e);
                    }
                    ApiErrors.send(ctx, 503, "conversation_unavailable", "cannot read the conversation now");
                });
    }

    private static JsonObject json(StoredTurn turn) {
        JsonObject json = new JsonObject().put("role", turn.role()).put("text", turn.text())
                .put("message_id", turn.messageId());
        if (turn.finishReason() != null) {
            json.put("finish_reason", turn.finishReason());
        }
        return json.put("timestamp", turn.timestamp().toString());
    }
}
