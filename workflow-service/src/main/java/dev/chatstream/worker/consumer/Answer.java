package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.subjects.SubjectToken;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.worker.fanout.MessageFanout;
import dev.chatstream.worker.fanout.MessageInfo;
import dev.chatstream.worker.provider.AiProvider;
import dev.chatstream.worker.provider.Completion;
import dev.chatstream.worker.provider.Generation;
import dev.chatstream.worker.provider.ProviderFailure;
import dev.chatstream.worker.provider.ProviderPolicy;
import dev.chatstream.worker.provider.TokenSink;
import dev.chatstream.worker.registry.SessionRoute;
import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One request, from delivery to acknowledgement, on one event-loop context.
 *
 * <p>Acknowledgement policy. The request is acked only after its final chunk AND that chunk's history
 * write are acknowledged by JetStream: until then a crash must lead to redelivery, and the next
 * worker continues chunk ids after what history holds. While an answer streams, {@code inProgress()}
 * goes out every ackWait/3 so a slow answer is not redelivered to a second worker. An answer that
 * ended with a provider error is acked too: the client already has its final {@code error} chunk, and
 * retrying would glue a second answer to it. Infrastructure failures (history not writable) are naked
 * WITH a delay ({@code RETRY_NAK_DELAY}), never a bare nak: a bare nak redelivers at once and, while
 * the cause lasts, spins every worker in a hot loop. On the last allowed delivery the request goes to
 * {@code CHAT_DLQ} and is terminated instead.
 */
final class Answer implements TokenSink {
    private static final Logger LOG = LoggerFactory.getLogger(Answer.class);

    private enum State { STARTING, STREAMING, ENDING, DONE }

    /** How long a hand-over at shutdown waits for the chunks already published to reach history. */
    private static final Duration HAND_OVER_FLUSH = Duration.ofSeconds(1);

    private final AnswerServices s;
    private final Message msg;
    private final Context context;
    private final long deliveries;
    private final String subjectSession;
    private WorkflowRequest request;
    private MessageInfo info;
    private SessionRoute route;
    private MessageFanout fanout;
    private Generation generation = () -> { };
    private Span span = Span.getInvalid();
    private State state = State.STARTING;
    private boolean cancelRequested;
    private Promise<Boolean> cancelReply;
    private long nextChunkId;
    private int tokens;
    private boolean firstPublished;
    private String outcome = "unknown";
    private long progressTimer = -1;
    private boolean errorPublished;

    Answer(AnswerServices services, Message msg, Context context) {
        this.s = services;
        this.msg = msg;
        this.context = context;
        this.deliveries = msg.isJetStream() ? msg.metaData().deliveredCount() : 1;
        this.subjectSession = Subjects.sessionOfWorkflowExecute(msg.getSubject());
    }

    /** Starts processing; call on {@link #context}. */
    void start() {
        try {
            request = s.codec().decode(msg.getData() == null ? new byte[0] : msg.getData(), WorkflowRequest.class);
        } catch (MessageCodecException e) {
            poison("undecodable_request", e.getMessage());
            return;
        }
        if (!SubjectToken.isValid(request.sessionId()) || !SubjectToken.isValid(request.messageId())) {
            poison("invalid_request", "session_id and message_id must be tokens of [A-Za-z0-9_-]{1,64}");
            return;
        }
        if (!s.answers().register(request.sessionId(), request.messageId(), this)) {
            // The same message is still streaming here (an ackWait expired despite inProgress): leave
            // this copy for later rather than generate it twice at once.
            msg.nakWithDelay(s.settings().retryNakDelay());
            release();
            return;
        }
        span = s.tracing().startAnswer(msg, request.sessionId(), request.messageId());
        info = new MessageInfo(request.sessionId(), request.messageId(), (int) deliveries, request.correlationId(),
                Tracing.traceparent(span, msg.getHeaders()));
        info = info.withRequestedAt(request.timestamp()); // pods measure time to first chunk from it
        long progressEvery = Math.max(100, s.ackWait().toMillis() / 3);
        progressTimer = s.vertx().setPeriodic(progressEvery, id -> msg.inProgress());
        debug("answer started (delivery " + deliveries + ")");

        historyProgress()
                .compose(progress -> {
                    if (progress.finalRecorded()) {
                        return Future.succeededFuture(progress);
                    }
                    nextChunkId = progress.nextChunkId();
                    route = s.routes().open(request.sessionId());
                    return route.start().map(progress);
                })
                .onSuccess(this::begin)
                .onFailure(err -> infrastructureFailure("history_unreadable", String.valueOf(err.getMessage())));
    }

    private Future<HistoryProgress> historyProgress() {
        if (deliveries <= 1) {
            return Future.succeededFuture(HistoryProgress.NONE);
        }
        return s.vertx().executeBlocking(() -> s.history().read(request.sessionId(), request.messageId()), false);
    }

    private void begin(HistoryProgress progress) {
        if (state == State.DONE) {
            return;
        }
        if (progress.finalRecorded()) {
            // An earlier attempt finished and recorded the answer but its ack was lost.
            msg.ack();
            finish("already_finished", true);
            return;
        }
        fanout = MessageFanout.open(s.vertx(), context, s.transport(), s.codec(), info, route, s.clock());
        fanout.finalRecorded().onComplete(ar -> {
            if (ar.succeeded()) {
                msg.ack();
                finish(outcome, true);
            } else {
                historyFailed(ar.cause());
            }
        });
        if (deliveries > 1) {
            publish(ResponseChunk.system(info.sessionId(), info.messageId(), nextChunkId++,
                    ResponseChunk.SYSTEM_RESTART, info.correlationId(), now()));
            if (state == State.DONE) {
                return; // the restart chunk could not be published
            }
        }
        if (cancelRequested || s.answers().cancelRequested(info.sessionId(), info.messageId())) {
            endCancelled();
            return;
        }
        AiProvider provider = s.providers().find(request.context().aiProvider()).orElse(null);
        if (provider == null) {
            onFailure(new ProviderFailure(ProviderFailure.NOT_CONFIGURED,
                    "this worker has no provider named '" + request.context().aiProvider() + "'"));
            return;
        }
        // The server's provider policy: the provider only ever sees the bounded request.
        switch (s.policy().apply(provider.name(), request)) {
            case ProviderPolicy.Refused refused -> {
                onFailure(refused.failure());
                return;
            }
            case ProviderPolicy.Allowed allowed -> request = allowed.request();
        }
        state = State.STREAMING;
        generation = s.tracing().genAi().stream(provider, request, this, span);
    }

    @Override
    public void onToken(String text) {
        if (state != State.STREAMING) {
            return;
        }
        tokens++;
        publish(ResponseChunk.content(info.sessionId(), info.messageId(), nextChunkId++, text,
                info.correlationId(), now()));
    }

    @Override
    public void onComplete(Completion completion) {
        if (state != State.STREAMING && state != State.STARTING) {
            return;
        }
        Integer used = completion.tokensUsed() != null ? completion.tokensUsed() : tokens;
        end(ResponseChunk.finalChunk(info.sessionId(), info.messageId(), nextChunkId++,
                new ChunkMetadata(completion.model(), used, completion.finishReason()), info.correlationId(), now()),
                completion.finishReason().wireName());
    }

    @Override
    public void onFailure(ProviderFailure failure) {
        if (state != State.STREAMING && state != State.STARTING) {
            return;
        }
        // The detail (provider body, client input) goes to the log only; the stream gets the code and
        // a fixed text. Before streaming, the model is the client's unchecked choice: not echoed.
        log("provider failed: " + failure.code() + ": " + failure.detail());
        span.setStatus(StatusCode.ERROR, failure.code());
        String model = state == State.STREAMING ? request.context().model() : null;
        end(ResponseChunk.failure(info.sessionId(), info.messageId(), nextChunkId++,
                new ChunkError(failure.code(), failure.publicMessage()), model, info.correlationId(), now()),
                "provider_error");
    }

    /**
     * A cancel request for this message; call on {@link #context}. Completes with true when this
     * worker stopped the answer (its final {@code cancelled} chunk is published), false when it had
     * already ended.
     */
    Future<Boolean> cancel() {
        s.answers().rememberCancel(request.sessionId(), request.messageId());
        switch (state) {
            case STARTING -> {
                cancelRequested = true;
                cancelReply = Promise.promise();
                return cancelReply.future();
            }
            case STREAMING -> {
                endCancelled();
                return Future.succeededFuture(true);
            }
            default -> {
                return Future.succeededFuture(false);
            }
        }
    }

    private void endCancelled() {
        generation.cancel();
        end(ResponseChunk.finalChunk(info.sessionId(), info.messageId(), nextChunkId++,
                new ChunkMetadata(request.context().model(), tokens, FinishReason.CANCELLED), info.correlationId(), now()),
                "cancelled");
        if (cancelReply != null) {
            cancelReply.tryComplete(true);
        }
    }

    private void end(ResponseChunk finalChunk, String outcome) {
        state = State.ENDING;
        this.outcome = outcome;
        publish(finalChunk);
    }

    private void publish(ResponseChunk chunk) {
        try {
            fanout.publish(chunk);
        } catch (RuntimeException e) {
            // Never leave an answer hanging (inProgress would keep it alive forever): stop it and retry later.
            generation.cancel();
            LOG.error("publishing chunk {} of {} failed", chunk.chunkId(), chunk.messageId(), e);
            if (fanout != null) {
                fanout.abandon();
            }
            infrastructureFailure("publish_failed", String.valueOf(e.getMessage()));
            return;
        }
        if (!firstPublished) {
            firstPublished = true;
            s.metrics().timeToFirstChunk(Duration.between(request.timestamp(), s.clock().instant()));
        }
    }

    /** The history write failed for good: end the message visibly, then retry later or give up. */
    private void historyFailed(Throwable err) {
        generation.cancel();
        if (state != State.DONE && fanout != null) {
            fanout.abandon();
            if (deliveries >= s.maxDeliver()) {
                // Giving up. History is what failed, so this notice cannot go through it: live only.
                fanout.publishLiveOnly(ResponseChunk.failure(info.sessionId(), info.messageId(), nextChunkId++,
                        new ChunkError("history_write_failed", "the answer could not be recorded"),
                        request.context().model(), info.correlationId(), now()));
                errorPublished = true;
            }
            // Otherwise say nothing now: the redelivery starts with a restart notice that continues the
            // chunk ids after what history holds. Clients may have seen one more batch (it went live
            // right behind the write that failed); pods take the higher attempt whole, so they get the
            // restart and the new attempt once (docs/architecture.md "History and live").
        }
        infrastructureFailure("history_write_failed", String.valueOf(err.getMessage()));
    }

    private void infrastructureFailure(String code, String message) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        log("failed: " + code + ": " + message);
        if (deliveries >= s.maxDeliver()) {
            if (!errorPublished) {
                notifySession(request.sessionId(), request.messageId(), nextChunkId, code, message);
            }
            deadLetter(code, message);
        } else {
            // The delay grows with each delivery, so a lasting outage is retried ever more slowly.
            msg.nakWithDelay(s.settings().retryNakDelay().multipliedBy(deliveries));
            finish("retried", false);
        }
    }

    /** A request that can never be answered: error chunk to the session when known, then the DLQ. */
    private void poison(String code, String message) {
        state = State.DONE;
        String sessionId = request != null && SubjectToken.isValid(request.sessionId()) ? request.sessionId() : subjectSession;
        String messageId = request != null ? request.messageId()
                : msg.getHeaders() == null ? null : msg.getHeaders().getFirst(ChunkHeaders.NATS_MSG_ID);
        LOG.warn("poison request on {}: {}: {}", msg.getSubject(), code, message);
        if (sessionId != null && messageId != null && SubjectToken.isValid(messageId)) {
            notifySession(sessionId, messageId, 0, code, message);
        }
        deadLetter(code, message);
    }

    private void notifySession(String sessionId, String messageId, long chunkId, String code, String message) {
        MessageInfo poisonInfo = new MessageInfo(sessionId, messageId, (int) deliveries, null, null);
        SessionRoute poisonRoute = s.routes().open(sessionId);
        poisonRoute.start().onComplete(ar -> {
            MessageFanout notice = MessageFanout.open(s.vertx(), context, s.transport(), s.codec(), poisonInfo, poisonRoute, s.clock());
            ResponseChunk error = ResponseChunk.failure(sessionId, messageId, chunkId, new ChunkError(code, message), null, null, now());
            if (code.startsWith("history_")) {
                // History cannot take it; tell the clients live.
                notice.publishLiveOnly(error);
            } else {
                notice.publish(error);
            }
            poisonRoute.close();
        });
    }

    private void deadLetter(String code, String message) {
        String sessionId = request != null && SubjectToken.isValid(request.sessionId()) ? request.sessionId() : subjectSession;
        s.deadLetters().send(msg, sessionId, code, message, deliveries)
                .whenComplete((ack, err) -> context.runOnContext(v -> {
                    if (err == null) {
                        s.metrics().published("dlq", 1);
                        msg.term();
                        finish("dead_lettered", true);
                    } else {
                        LOG.error("could not dead-letter {}: {}", msg.getSubject(), err.toString());
                        msg.nakWithDelay(s.settings().retryNakDelay());
                        finish("retried", false);
                    }
                }));
    }

    /** Shutdown: stop generating and hand the request back at once, so another worker takes it. */
    void abandon() {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        generation.cancel();
        Future<Void> recorded = fanout == null ? Future.succeededFuture()
                : fanout.flushForHandOver().timeout(HAND_OVER_FLUSH.toMillis(), TimeUnit.MILLISECONDS);
        recorded.onComplete(ar -> {
            if (fanout != null) {
                fanout.abandon();
            }
            // A plain nak on purpose: this is a hand-over at shutdown, not a failure, so another
            // worker should start it at once.
            msg.nak();
            finish("requeued", false);
        });
    }

    private void finish(String outcome, boolean ended) {
        state = State.DONE;
        if (progressTimer >= 0) {
            s.vertx().cancelTimer(progressTimer);
            progressTimer = -1;
        }
        if (route != null) {
            route.close();
        }
        if (cancelReply != null) {
            cancelReply.tryComplete(false);
        }
        if (request != null) {
            s.answers().finished(request.sessionId(), request.messageId(), this, ended);
        }
        if (ended && request != null) {
            // The answer is over for good (final chunk recorded, or dead-lettered): free the user's slot.
            s.ledger().release(request.userId(), request.messageId());
        }
        s.metrics().request(outcome);
        span.setAttribute("chat.outcome", outcome);
        span.end();
        debug("answer ended: " + outcome + " after " + nextChunkId + " chunks");
        release();
    }

    private void release() {
        s.slots().release();
    }

    private Instant now() {
        return s.clock().instant();
    }

    Context context() {
        return context;
    }

    private void debug(String text) {
        if (LOG.isDebugEnabled()) {
            withMdc(() -> LOG.debug(text));
        }
    }

    private void log(String text) {
        withMdc(() -> LOG.warn(text));
    }

    private void withMdc(Runnable logging) {
        if (request != null) {
            MDC.put("correlation_id", request.correlationId());
            MDC.put("session_id", request.sessionId());
            MDC.put("message_id", request.messageId());
        }
        try (Scope ignored = span.makeCurrent()) { // trace_id/span_id in the line
            logging.run();
        } finally {
            MDC.remove("correlation_id");
            MDC.remove("session_id");
            MDC.remove("message_id");
        }
    }
}
