package dev.chatstream.pod.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatstream.codec.MessageCodec;
import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.pod.fairuse.AnswerAdmission;
import dev.chatstream.pod.intake.IdempotencyRecords;
import dev.chatstream.pod.intake.MessageIds;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.nats.NatsUnavailableException;
import dev.chatstream.pod.nats.PodNats;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code POST /api/sessions/{sid}/messages}: validates, admits (per-user message rate and answers generating
 * at once: 429), publishes a {@link WorkflowRequest} to JetStream with {@code Nats-Msg-Id} = message id, and
 * answers 202 only once JetStream acknowledged it (503 {@code queue_full} when the work queue is at its
 * bound). The {@code user_id} is the authenticated user's, never the client's. A retried POST with the same
 * {@code Idempotency-Key} gets the same message id (the key) and is stored once, also after the dedup window;
 * the same key with another body, or from another user or session, is a 422.
 */
public final class MessageIntake {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String CORRELATION_ID = "X-Correlation-Id";
    /** Answers take seconds to minutes; a client polling faster than this only burns its message rate. */
    static final long ACTIVE_ANSWERS_RETRY_AFTER_SECONDS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(MessageIntake.class);

    private final PodNats nats;
    private final PodMetrics metrics;
    private final RequestTracing tracing;
    private final String defaultAiProvider;
    private final String podId;
    private final MessageCodec codec = MessageCodec.standard();
    private final AnswerAdmission admission;
    private final IdempotencyRecords idempotency;

    public MessageIntake(PodNats nats, PodMetrics metrics, RequestTracing tracing, String defaultAiProvider, String podId,
                         AnswerAdmission admission, IdempotencyRecords idempotency) {
        this.admission = admission;
        this.idempotency = idempotency;
        this.nats = nats;
        this.metrics = metrics;
        this.tracing = tracing;
        this.defaultAiProvider = defaultAiProvider;
        this.podId = podId;
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
            admitAndPublish(ctx, request, null, null);
            return;
        }
        String bodyHash = MessageIds.bodyHash(ctx.body().buffer().getBytes());
        String scope = MessageIds.scope(userId, sessionId);
        if (!nats.connected()) {
            // The record lives in JetStream too: fail fast as the publish would, instead of waiting out a KV timeout.
            unavailable(ctx, request, new NatsUnavailableException("NATS is not connected"));
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
                        case IdempotencyRecords.Verdict.Publish publish -> admitAndPublish(ctx, request, scope, bodyHash);
                    }
                })
                .onFailure(e -> unavailable(ctx, request, e));
    }

    /** Per-user admission (rate and active answers), then the publish. Anonymous requests are not counted. */
    private void admitAndPublish(RoutingContext ctx, WorkflowRequest request, String scope, String bodyHash) {
        if (request.userId() == null) {
            publish(ctx, request, scope, bodyHash);
            return;
        }
        OnRequestContext.of(ctx, admission.admit(request.userId(), request.messageId()))
                .onSuccess(decision -> {
                    switch (decision) {
                        case AnswerAdmission.Decision.Admitted admitted -> publish(ctx, request, scope, bodyHash);
                        case AnswerAdmission.Decision.RateLimited limited -> {
                            metrics.limitHit("message_rate");
                            tooMany(ctx, Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000), "rate_limited",
                                    "too many messages; retry after the Retry-After seconds");
                        }
                        case AnswerAdmission.Decision.TooManyAnswers tooMany -> {
                            metrics.limitHit("active_answers");
                            tooMany(ctx, ACTIVE_ANSWERS_RETRY_AFTER_SECONDS, "too_many_active_answers",
                                    "this user already has the maximum of answers generating; wait for one to finish");
                        }
                    }
                })
                .onFailure(ctx::fail);
    }

    private void publish(RoutingContext ctx, WorkflowRequest request, String scope, String bodyHash) {
        String sessionId = request.sessionId();
        Span span = tracing.start("/api/sessions/{sid}/messages", ctx.request());
        Headers headers = new Headers()
                .put(ChunkHeaders.SESSION_ID, sessionId)
                .put(ChunkHeaders.MESSAGE_ID, request.messageId())
                .put(ChunkHeaders.CORRELATION_ID, request.correlationId());
        String subject = Subjects.workflowExecute(sessionId);
        Span publish = tracing.publish(span, subject, request.messageId(), headers);
        Future.fromCompletionStage(nats.publishRequest(subject, headers,
                        codec.encode(request), request.messageId()), ctx.vertx().getOrCreateContext())
                .onSuccess(ack -> {
                    metrics.messageAccepted();
                    publish.end();
                    span.end();
                    try (Scope ignored = span.makeCurrent()) { // trace ids in the log line
                        LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("session_id", sessionId)
                                .addKeyValue("message_id", request.messageId())
                                .addKeyValue("correlation_id", request.correlationId())
                                .addKeyValue("duplicate", ack.isDuplicate())
                                .log("message accepted");
                    }
                    if (bodyHash != null) {
                        idempotency.accepted(request.messageId(), scope, bodyHash, request.correlationId())
                                .onFailure(e -> LOG.atWarn().addKeyValue("message_id", request.messageId())
                                        .log("idempotency record not updated: " + e.getMessage()));
                    }
                    answerAccepted(ctx, request.messageId(), request.correlationId());
                })
                .onFailure(e -> {
                    publish.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                    publish.end();
                    span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                    span.end();
                    if (request.userId() != null) {
                        admission.release(request.userId(), request.messageId());
                    }
                    try (Scope ignored = span.makeCurrent()) { // trace ids in the log line
                        unavailable(ctx, request, e);
                    }
                });
    }

    private void answerAccepted(RoutingContext ctx, String messageId, String correlationId) {
        ctx.response().putHeader(CORRELATION_ID, correlationId);
        ApiErrors.json(ctx, 202, new JsonObject()
                .put("message_id", messageId)
                .put("correlation_id", correlationId));
    }

    private void unavailable(RoutingContext ctx, WorkflowRequest request, Throwable e) {
        boolean full = QueueFull.is(e);
        metrics.messageRejected(full ? "queue_full" : "nats_unavailable");
        LOG.atWarn().addKeyValue("pod_id", podId).addKeyValue("session_id", request.sessionId())
                .addKeyValue("message_id", request.messageId())
                .addKeyValue("correlation_id", request.correlationId())
                .log("message not accepted: " + e.getMessage());
        if (full) {
            ApiErrors.send(ctx, 503, "queue_full", "the request queue is full; retry later with the same Idempotency-Key");
        } else {
            ApiErrors.send(ctx, 503, "nats_unavailable",
                    "the message could not be queued, retry with the same Idempotency-Key");
        }
    }

    private static void tooMany(RoutingContext ctx, long retryAfterSeconds, String code, String message) {
        ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        ApiErrors.send(ctx, 429, code, message);
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
        String correlation = ctx.request().getHeader(CORRELATION_ID);
        String correlationId = correlation != null && SubjectToken.isValid(correlation) ? correlation : UUID.randomUUID().toString();
        String messageId = key != null ? key : MessageIds.random();
        return new WorkflowRequest(messageId, sessionId, userId, message.textValue(),
                context, Instant.now(), correlationId);
    }

    private WorkflowContext context(JsonNode node) {
        if (node == null || node.isNull()) {
            return WorkflowContext.of(defaultAiProvider);
        }
        if (!node.isObject()) {
            throw new BadRequest("invalid_context", "context: must be an object");
        }
        ObjectNode copy = ((ObjectNode) node).deepCopy();
        JsonNode provider = copy.get("ai_provider");
        if (provider == null || provider.isNull()) {
            copy.put("ai_provider", defaultAiProvider);
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
