package dev.chatstream.pod.http;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.pod.fairuse.AnswerAdmission;
import dev.chatstream.pod.intake.IdempotencyRecords;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.nats.PodNats;
import dev.chatstream.schemas.WorkflowContext;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BusyPolicy;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Takes a user's new message into the cluster, for both chat APIs (the native POST and the AI SDK's
 * {@code POST /api/chat}): per-user admission (message rate and answers generating at once: 429), then the
 * {@link WorkflowRequest} published to JetStream with {@code Nats-Msg-Id} = message id and the pod's
 * {@code BUSY_POLICY} ({@link BusyPolicy#HEADER}). Only once JetStream acknowledged it does the caller's
 * continuation run; every refusal is answered here (429, 409 {@code session_busy}, 503 {@code queue_full} or
 * {@code nats_unavailable}), so both APIs refuse alike.
 *
 * <p>{@code reject}: the publish carries {@code Nats-Expected-Last-Subject-Sequence: 0}, so JetStream stores it
 * only while {@code chat.workflow.execute.{sid}} holds no request — a request stays in the work queue until its
 * answer's final chunk is recorded and its turn kept — atomically, whichever pods two POSTs reach.
 */
public final class MessagePublisher {
    /** Answers take seconds to minutes; a client polling faster than this only burns its message rate. */
    static final long ACTIVE_ANSWERS_RETRY_AFTER_SECONDS = 2;
    /** A busy session frees a few ms after the client saw the final chunk (the worker keeps the turn, then acks). */
    static final long SESSION_BUSY_RETRY_AFTER_SECONDS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(MessagePublisher.class);

    private final PodNats nats;
    private final PodMetrics metrics;
    private final RequestTracing tracing;
    private final String defaultAiProvider;
    private final String podId;
    private final MessageCodec codec = MessageCodec.standard();
    private final AnswerAdmission admission;
    private final IdempotencyRecords idempotency;
    private final BusyPolicy busyPolicy;

    public MessagePublisher(PodNats nats, PodMetrics metrics, RequestTracing tracing, String defaultAiProvider,
                            String podId, AnswerAdmission admission, IdempotencyRecords idempotency,
                            BusyPolicy busyPolicy) {
        this.busyPolicy = busyPolicy;
        this.nats = nats;
        this.metrics = metrics;
        this.tracing = tracing;
        this.defaultAiProvider = defaultAiProvider;
        this.podId = podId;
        this.admission = admission;
        this.idempotency = idempotency;
    }

    String defaultAiProvider() {
        return defaultAiProvider;
    }

    IdempotencyRecords idempotency() {
        return idempotency;
    }

    boolean natsConnected() {
        return nats.connected();
    }

    /**
     * A request for {@code text} with the server's default context; the correlation id is the caller's
     * {@code X-Correlation-Id} when it is a valid token, else a fresh one.
     */
    public WorkflowRequest request(RoutingContext ctx, String sessionId, String userId, String text, String messageId) {
        return request(ctx, sessionId, userId, text, WorkflowContext.of(defaultAiProvider), messageId);
    }

    WorkflowRequest request(RoutingContext ctx, String sessionId, String userId, String text, WorkflowContext context,
                            String messageId) {
        String correlation = ctx.request().getHeader(MessageIntake.CORRELATION_ID);
        String correlationId = correlation != null && SubjectToken.isValid(correlation) ? correlation : UUID.randomUUID().toString();
        return new WorkflowRequest(messageId, sessionId, userId, text, context, Instant.now(), correlationId);
    }

    /**
     * Admits and publishes {@code request}; {@code accepted} runs on the request's context once it is stored.
     * {@code route} names the span (the route template).
     */
    public void submit(RoutingContext ctx, String route, WorkflowRequest request, Consumer<WorkflowRequest> accepted) {
        submit(ctx, route, request, null, null, accepted);
    }

    /** As {@link #submit(RoutingContext, String, WorkflowRequest, Consumer)}, updating the idempotency record when keyed. */
    void submit(RoutingContext ctx, String route, WorkflowRequest request, String scope, String bodyHash,
                Consumer<WorkflowRequest> accepted) {
        if (request.userId() == null) {
            // Anonymous requests are not counted.
            publish(ctx, route, request, scope, bodyHash, accepted);
            return;
        }
        OnRequestContext.of(ctx, admission.admit(request.userId(), request.messageId()))
                .onSuccess(decision -> {
                    switch (decision) {
                        case AnswerAdmission.Decision.Admitted admitted -> publish(ctx, route, request, scope, bodyHash, accepted);
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

    private void publish(RoutingContext ctx, String route, WorkflowRequest request, String scope, String bodyHash,
                         Consumer<WorkflowRequest> accepted) {
        String sessionId = request.sessionId();
        Span span = tracing.start(route, ctx.request());
        Headers headers = new Headers()
                .put(ChunkHeaders.SESSION_ID, sessionId)
                .put(ChunkHeaders.MESSAGE_ID, request.messageId())
                .put(ChunkHeaders.CORRELATION_ID, request.correlationId());
        busyPolicy.putOn(headers);
        String subject = Subjects.workflowExecute(sessionId);
        Span publish = tracing.publish(span, subject, request.messageId(), headers);
        Future.fromCompletionStage(nats.publishRequest(subject, headers, codec.encode(request), request.messageId(),
                        busyPolicy == BusyPolicy.REJECT), ctx.vertx().getOrCreateContext())
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
                    accepted.accept(request);
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
                        if (SessionBusy.is(e)) {
                            busy(ctx, request);
                        } else {
                            unavailable(ctx, request, e);
                        }
                    }
                });
    }

    /** 503: the message could not be stored ({@code queue_full} at the work queue's bound, else {@code nats_unavailable}). */
    void unavailable(RoutingContext ctx, WorkflowRequest request, Throwable e) {
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

    /** 409: {@code BUSY_POLICY=reject} and an earlier request of the session is still queued or streaming. */
    private void busy(RoutingContext ctx, WorkflowRequest request) {
        metrics.messageRejected("session_busy");
        LOG.atInfo().addKeyValue("pod_id", podId).addKeyValue("session_id", request.sessionId())
                .addKeyValue("message_id", request.messageId())
                .addKeyValue("correlation_id", request.correlationId())
                .log("message refused: the session's previous answer is still streaming");
        refuse(ctx, 409, SESSION_BUSY_RETRY_AFTER_SECONDS, "session_busy",
                "the previous answer of this session is still streaming; send the message after it ended");
    }

    private static void tooMany(RoutingContext ctx, long retryAfterSeconds, String code, String message) {
        refuse(ctx, 429, retryAfterSeconds, code, message);
    }

    private static void refuse(RoutingContext ctx, int status, long retryAfterSeconds, String code, String message) {
        if (ctx.response().headWritten()) {
            // A stream whose head is already out (it should not be: AnswerSink holds it back) can only be ended.
            if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response().end();
            }
            return;
        }
        ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
        ApiErrors.send(ctx, status, code, message);
    }
}
