package dev.chatstream.pod.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatstream.codec.MessageCodec;
import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.pod.metrics.PodMetrics;
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
 * {@code POST /api/sessions/{sid}/messages}: validates, publishes a {@link WorkflowRequest} to JetStream
 * with {@code Nats-Msg-Id} = message id, and answers 202 only once JetStream acknowledged it. A retried
 * POST with the same {@code Idempotency-Key} gets the same message id and is stored once.
 */
public final class MessageIntake {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String CORRELATION_ID = "X-Correlation-Id";
    private static final Logger LOG = LoggerFactory.getLogger(MessageIntake.class);

    private final PodNats nats;
    private final PodMetrics metrics;
    private final RequestTracing tracing;
    private final String defaultAiProvider;
    private final String podId;
    private final MessageCodec codec = MessageCodec.standard();

    public MessageIntake(PodNats nats, PodMetrics metrics, RequestTracing tracing, String defaultAiProvider, String podId) {
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
        WorkflowRequest request;
        try {
            request = parse(ctx, sessionId, key);
        } catch (BadRequest e) {
            reject(ctx, e.code, e.getMessage());
            return;
        }
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
                    ctx.response().putHeader(CORRELATION_ID, request.correlationId());
                    ApiErrors.json(ctx, 202, new JsonObject()
                            .put("message_id", request.messageId())
                            .put("correlation_id", request.correlationId()));
                })
                .onFailure(e -> {
                    publish.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                    publish.end();
                    span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                    span.end();
                    metrics.messageRejected("nats_unavailable");
                    try (Scope ignored = span.makeCurrent()) { // trace ids in the log line
                        LOG.atWarn().addKeyValue("pod_id", podId).addKeyValue("session_id", sessionId)
                                .addKeyValue("message_id", request.messageId())
                                .addKeyValue("correlation_id", request.correlationId())
                                .log("message not accepted: " + e.getMessage());
                    }
                    ApiErrors.send(ctx, 503, "nats_unavailable",
                            "the message could not be queued, retry with the same Idempotency-Key");
                });
    }

    private WorkflowRequest parse(RoutingContext ctx, String sessionId, String key) {
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
        String messageId = key != null ? key : UUID.randomUUID().toString();
        return new WorkflowRequest(messageId, sessionId, AuthHandler.userId(ctx).orElse(null), message.textValue(),
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
