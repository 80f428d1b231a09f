package dev.chatstream.pod.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatstream.codec.MessageCodec;
import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.pod.intake.IdempotencyRecords;
import dev.chatstream.pod.intake.MessageIds;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.nats.NatsUnavailableException;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.SubjectToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/sessions/{sid}/messages}: validates, then hands the {@link WorkflowRequest} to
 * {@link MessagePublisher} (admission, JetStream publish with {@code Nats-Msg-Id} = message id) and answers
 * 202 only once JetStream acknowledged it. The {@code user_id} is the authenticated user's, never the
 * client's. A retried POST with the same {@code Idempotency-Key} gets the same message id (the key) and is
 * stored once, also after the dedup window; the same key with another body, or from another user or
 * session, is a 422.
 */
public final class MessageIntake {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String CORRELATION_ID = "X-Correlation-Id";
    static final String ROUTE = "/api/sessions/{sid}/messages";

    private final MessagePublisher publisher;
    private final PodMetrics metrics;
    private final MessageCodec codec = MessageCodec.standard();
    private final IdempotencyRecords idempotency;

    public MessageIntake(MessagePublisher publisher, PodMetrics metrics) {
        this.publisher = publisher;
        this.metrics = metrics;
        this.idempotency = publisher.idempotency();
    }

    public void handle(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        if (!SubjectToken.isValid(sessionId)) {
            reject(ctx, "invalid_session_id", SessionIds.problem(sessionId, "session id"));
            return;
        }
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (key != null && !SubjectToken.isValid(key)) {
            reject(ctx, "invalid_idempotency_key", SessionIds.problem(key, IDEMPOTENCY_KEY));
            return;
        }
        String userId = AuthHandler.userId(ctx).orElse(null);
        WorkflowRequest request;
        try {
            request = parse(ctx, sessionId, userId, key);
        } catch (BadRequest e) {
            reject(ctx, e.code, e.getMessage());
            return;
        }
        if (key == null) {
            publisher.submit(ctx, ROUTE, request, null, null,
                    accepted -> answerAccepted(ctx, accepted.messageId(), accepted.correlationId()));
            return;
        }
        String bodyHash = MessageIds.bodyHash(ctx.body().buffer().getBytes());
        String scope = MessageIds.scope(userId, sessionId);
        if (!publisher.natsConnected()) {
            // The record lives in JetStream too: fail fast as the publish would, instead of waiting out a KV timeout.
            publisher.unavailable(ctx, request, new NatsUnavailableException("NATS is not connected"));
            return;
        }
        OnRequestContext.of(ctx, idempotency.begin(request.messageId(), scope, bodyHash))
                .onSuccess(verdict -> {
                    switch (verdict) {
                        case IdempotencyRecords.Verdict.Reused reused -> {
                            metrics.messageRejected("idempotency_key_reused");
                            ApiErrors.send(ctx, 422, "idempotency_key_reused",
                                    "this Idempotency-Key was already used with a different body, or by another user or session");
                        }
                        case IdempotencyRecords.Verdict.Accepted accepted -> answerAccepted(ctx, request.messageId(),
                                accepted.correlationId());
                        case IdempotencyRecords.Verdict.Publish publish -> publisher.submit(ctx, ROUTE, request, scope, bodyHash,
                                accepted -> answerAccepted(ctx, accepted.messageId(), accepted.correlationId()));
                    }
                })
                .onFailure(e -> publisher.unavailable(ctx, request, e));
    }

    private void answerAccepted(RoutingContext ctx, String messageId, String correlationId) {
        ctx.response().putHeader(CORRELATION_ID, correlationId);
        ApiErrors.json(ctx, 202, new JsonObject()
                .put("message_id", messageId)
                .put("correlation_id", correlationId));
    }

    private WorkflowRequest parse(RoutingContext ctx, String sessionId, String userId, String key) {
        Buffer body = ctx.body() == null ? null : ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw new BadRequest("invalid_body", "body must be a JSON object with a non-empty string \"message\"");
        }
        JsonNode root;
        try {
            root = codec.mapper().readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            throw new BadRequest("malformed_json", "body is not valid JSON");
        } catch (java.io.IOException e) {
            throw new BadRequest("malformed_json", "body is not readable");
        }
        if (root == null || !root.isObject()) {
            throw new BadRequest("invalid_body", "body must be a JSON object");
        }
        JsonNode message = root.get("message");
        if (message == null || message.isNull()) {
            throw new BadRequest("invalid_message", "message: required field is missing");
        }
        if (!message.isTextual()) {
            throw new BadRequest("invalid_message", "message: must be a string");
        }
        if (message.textValue().isBlank()) {
            throw new BadRequest("invalid_message", "message: must not be empty");
        }
        WorkflowContext context = context(root.get("context"));
        String messageId = key != null ? key : MessageIds.random();
        return publisher.request(ctx, sessionId, userId, message.textValue(), context, messageId);
    }

    private WorkflowContext context(JsonNode node) {
        if (node == null || node.isNull()) {
            return WorkflowContext.of(publisher.defaultAiProvider());
        }
        if (!node.isObject()) {
            throw new BadRequest("invalid_context", "context: must be an object");
        }
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        JsonNode provider = copy.get("ai_provider");
        if (provider == null || provider.isNull()) {
            copy.put("ai_provider", publisher.defaultAiProvider());
        }
        try {
            return codec.decode(codec.mapper().writeValueAsBytes(copy), WorkflowContext.class);
        } catch (MessageCodecException e) {
            throw new BadRequest("invalid_context", e.field() == null ? "context: " + e.getMessage() : "context." + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new BadRequest("invalid_context", "context: not encodable");
        }
    }

    private void reject(RoutingContext ctx, String code, String message) {
        metrics.messageRejected(code);
        ApiErrors.send(ctx, 400, code, message);
    }

    private static final class BadRequest extends RuntimeException {
        private final String code;

        BadRequest(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
