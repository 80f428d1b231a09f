package dev.chatstream.pod.http;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.fairuse.AnswerAdmission;
import dev.chatstream.pod.nats.NatsUnavailableException;
import dev.chatstream.pod.nats.PodNats;
import dev.chatstream.schemas.CancelReply;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import io.nats.client.Message;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code POST /api/sessions/{sid}/messages/{mid}/cancel}: asks the workers, by a NATS request on
 * {@code chat.workflow.cancel.{sid}}, to stop that message — only when it is an answer of the caller that
 * is generating (the active-answer ledger), else 404. 202 when a worker stopped it, 409 when it had
 * already finished, 404 when no worker answered in time, 503 while NATS is down. Never 500.
 */
public final class CancelHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CancelHandler.class);

    private final PodNats nats;
    private final Duration timeout;
    private final String podId;
    private final MessageCodec codec = MessageCodec.standard();

    private final AnswerAdmission admission;

    public CancelHandler(PodNats nats, Duration timeout, String podId, AnswerAdmission admission) {
        this.admission = admission;
        this.nats = nats;
        this.timeout = timeout;
        this.podId = podId;
    }

    public void handle(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        String messageId = ctx.pathParam("mid");
        if (!SubjectToken.isValid(sessionId)) {
            ApiErrors.send(ctx, 400, "invalid_session_id", SessionIds.problem(sessionId, "session id"));
            return;
        }
        if (!SubjectToken.isValid(messageId)) {
            ApiErrors.send(ctx, 400, "invalid_message_id", SessionIds.problem(messageId, "message id"));
            return;
        }
        cancel(ctx, sessionId, messageId);
    }

    /** Cancels {@code messageId} of {@code sessionId} (valid tokens, a session the caller owns) and answers. */
    public void cancel(RoutingContext ctx, String sessionId, String messageId) {
        // Only an answer of this user that is generating: an unknown id is a 404 here and never reaches (or
        // is remembered by) a worker. The session itself was checked by OwnershipHandler.
        String userId = AuthHandler.userId(ctx).orElse(null);
        Future<Boolean> known = userId == null ? Future.succeededFuture(true) : admission.isActive(userId, messageId);
        OnRequestContext.of(ctx, known).onSuccess(active -> {
            if (active) {
                forward(ctx, sessionId, messageId);
            } else {
                ApiErrors.send(ctx, 404, "message_not_found", "no answer " + messageId + " is generating in this session");
            }
        }).onFailure(ctx::fail);
    }

    private void forward(RoutingContext ctx, String sessionId, String messageId) {
        byte[] body = codec.encode(new CancelRequest(sessionId, messageId, Instant.now()));
        Future.fromCompletionStage(nats.request(Subjects.workflowCancel(sessionId), body, timeout, "cancel"),
                        ctx.vertx().getOrCreateContext())
                .onSuccess(reply -> answer(ctx, messageId, reply))
                .onFailure(e -> {
                    if (unwrap(e) instanceof NatsUnavailableException) {
                        ApiErrors.send(ctx, 503, "nats_unavailable", "cannot reach the workers now");
                    } else {
                        // No responders, or nobody answered in time: no worker knows the message.
                        ApiErrors.send(ctx, 404, "message_not_found", "no worker is generating message " + messageId);
                    }
                });
    }

    private void answer(RoutingContext ctx, String messageId, Message reply) {
        CancelReply decoded;
        try {
            decoded = codec.decode(reply.getData(), CancelReply.class);
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("pod_id", podId).addKeyValue("message_id", messageId)
                    .log("unreadable cancel reply: " + e.getMessage());
            ApiErrors.send(ctx, 404, "message_not_found", "no worker is generating message " + messageId);
            return;
        }
        switch (decoded.status()) {
            case CancelReply.CANCELLED -> ApiErrors.json(ctx, 202,
                    new JsonObject().put("message_id", messageId).put("status", CancelReply.CANCELLED));
            case CancelReply.FINISHED -> ApiErrors.send(ctx, 409, "already_finished",
                    "message " + messageId + " has already finished");
            default -> ApiErrors.send(ctx, 404, "message_not_found", "no worker is generating message " + messageId);
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
