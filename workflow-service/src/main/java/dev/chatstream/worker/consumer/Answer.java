package dev.chatstream.worker.consumer;

import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.ConversationTurn;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.StoredTurn;
import dev.chatstream.schemas.WorkflowRequest;
import dev.chatstream.worker.fanout.MessageFanout;
import dev.chatstream.worker.fanout.MessageInfo;
import dev.chatstream.worker.provider.AiProvider;
import dev.chatstream.worker.provider.Completion;
import dev.chatstream.worker.provider.Generation;
import dev.chatstream.worker.provider.ProviderFailure;
import dev.chatstream.worker.provider.ProviderPolicy;
import dev.chatstream.worker.provider.TokenSink;
import dev.chatstream.worker.registry.SessionRoute;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The streaming of one answer, once {@link Intake} accepted its request: provider tokens become chunks
 * with rising ids, recorded and published live by a {@link MessageFanout}; {@link AnswerEnd} then
 * settles the request, once. The provider's context is the session's stored turns ({@link Conversations}):
 * the user turn is kept before the provider is called, the assistant turn (the streamed text) once the
 * final chunk is recorded.
 *
 * <p>How it ends. Normally, cancelled or with a provider error: a final chunk, and the request is
 * acked once that chunk is recorded in history (an {@code error} answer too: a retry would glue a
 * second answer to it). A provider callback that throws ({@link GuardedSink}): an {@code error} chunk
 * {@code provider_fault}, then {@code CHAT_DLQ}. Past {@code ANSWER_MAX_DURATION}: provider stopped,
 * lease no longer renewed, {@code answer_timeout}. Infrastructure failures (history not writable,
 * stale attempt, lease lost): no final chunk, handed back. Runs on one event-loop context.
 */
final class Answer implements TokenSink {
    /** How a hand-over at shutdown waits for the chunks already published to reach history. */
    private static final Duration HAND_OVER_FLUSH = Duration.ofSeconds(1);
    static final String PROVIDER_FAULT = "provider_fault";
    static final String ANSWER_TIMEOUT = "answer_timeout";

    private enum State { STARTING, STREAMING, ENDING, DONE }

    private final AnswerServices s;
    private final Context context;
    private final Lease lease;
    /** The request as received; replaced once by the provider policy's bounded copy before the provider call. */
    private WorkflowRequest request;
    private final MessageInfo info;
    private final Span span;
    private final AnswerLog log;
    private final AnswerEnd ending;
    private SessionRoute route;
    private MessageFanout fanout;
    private Generation generation = () -> { };
    private State state = State.STARTING;
    private boolean cancelRequested;
    /** Waiting for the session's earlier answers ({@link SessionTurns}): nothing runs yet. */
    private boolean queued;
    private Promise<Boolean> cancelReply;
    private long nextChunkId;
    private int tokens;
    /** The answer's text as streamed, kept as the assistant turn once the answer is recorded. */
    private final StringBuilder answerText = new StringBuilder();
    private FinishReason finishReason;
    private boolean firstPublished;
    private String outcome = "unknown";
    private ChunkError fault;
    private long deadlineTimer = -1;

    Answer(AnswerServices services, Context context, Lease lease, WorkflowRequest request, Span span, MessageInfo info) {
        this.s = services;
        this.context = context;
        this.lease = lease;
        this.request = request;
        this.span = span;
        this.info = info;
        this.log = new AnswerLog(request, span);
        this.ending = new AnswerEnd(services, context, lease, info, request.userId(), span, log);
        ending.bind(this, this::teardown);
    }

    /** Continues after what history holds of earlier attempts; call on {@link #context}. */
    void begin(HistoryProgress progress) {
        if (state == State.DONE) {
            return;
        }
        if (progress.finalRecorded()) {
            // Answered already: an earlier attempt's ack was lost, or the request was published again
            // after the duplicate window (its answered marker).
            state = State.ENDING;
            ending.alreadyAnswered();
            return;
        }
        nextChunkId = progress.nextChunkId();
        route = s.routes().open(context, request.sessionId());
        // The model's context is the session's stored turns before this message; then this user turn is kept.
        // The store must not stop an answer: unreadable (e.g. a JetStream leader election), the answer goes on
        // without earlier turns; a user turn that cannot be written is logged (docs/architecture.md "Conversations").
        Future<List<ConversationTurn>> earlier = s.conversations().before(request.sessionId(), request.messageId())
                .recover(err -> {
                    log.warn("conversation_unavailable: answering without earlier turns: " + err.getMessage());
                    return Future.succeededFuture(List.of());
                })
                .compose(turns -> s.conversations().append(context, request.sessionId(),
                                StoredTurn.user(request.messageId(), request.message(), request.timestamp()))
                        .recover(err -> {
                            log.warn("conversation_unavailable: the user turn was not stored: " + err.getMessage());
                            return Future.succeededFuture();
                        })
                        .map(turns));
        Future.join(route.start(), earlier).onComplete(v -> stream(progress, earlier.result()));
    }

    private void stream(HistoryProgress progress, List<ConversationTurn> earlier) {
        if (state == State.DONE) {
            return;
        }
        // Its batches tell pods where the message's history begins, so their replays start there.
        fanout = MessageFanout.open(s.vertx(), context, s.transport(), s.codec(),
                info.withHistoryStart(progress.historyStart()), route, s.clock());
        fanout.finalRecorded().onComplete(this::recorded);
        if (progress.lastChunkId() >= 0) {
            // An earlier attempt streamed chunks: tell clients this answer starts over, once history took the
            // notice as new (an older attempt's late batch may hold its position).
            fanout.restarting(progress.fencePosition());
            publish(ResponseChunk.system(info.sessionId(), info.messageId(), nextChunkId,
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
        switch (s.policy().apply(provider.name(), request, earlier)) {
            case ProviderPolicy.Refused refused -> {
                onFailure(refused.failure());
                return;
            }
            case ProviderPolicy.Allowed allowed -> request = allowed.request();
        }
        state = State.STREAMING;
        deadlineTimer = s.vertx().setTimer(s.settings().answerLimits().maxDuration().toMillis(), id -> {
            deadlineTimer = -1;
            timedOut();
        });
        try {
            generation = s.tracing().genAi().stream(provider, request, new GuardedSink(this, this::faulted), span);
        } catch (RuntimeException e) {
            faulted(e);
        }
    }

    // Provider callbacks, on this context; the provider gets them through a GuardedSink.

    @Override
    public void onToken(String text) {
        if (state != State.STREAMING) {
            return;
        }
        tokens++;
        answerText.append(text);
        publish(ResponseChunk.content(info.sessionId(), info.messageId(), nextChunkId, text, info.correlationId(), now()));
    }

    @Override
    public void onComplete(Completion completion) {
        if (state != State.STREAMING && state != State.STARTING) {
            return;
        }
        Integer used = completion.tokensUsed() != null ? completion.tokensUsed() : tokens;
        end(ResponseChunk.finalChunk(info.sessionId(), info.messageId(), nextChunkId,
                new ChunkMetadata(completion.model(), used, completion.finishReason()), info.correlationId(), now()),
                completion.finishReason().wireName());
    }

    @Override
    public void onFailure(ProviderFailure failure) {
        if (state != State.STREAMING && state != State.STARTING) {
            return;
        }
        // The detail (provider body, client input) goes to the log only; the stream gets the code and a
        // fixed text. Before streaming, the model is the client's unchecked choice: not echoed.
        log.warn("provider failed: " + failure.code() + ": " + failure.detail());
        span.setStatus(StatusCode.ERROR, failure.code());
        endWithError(new ChunkError(failure.code(), failure.publicMessage()), "provider_error");
    }

    /** A provider callback threw: end with {@code provider_fault}; the request goes to the DLQ. */
    private void faulted(RuntimeException e) {
        if (state != State.STREAMING && state != State.STARTING) {
            log.error("the answer failed while ending", e);
            infrastructureFailure("answer_failed", String.valueOf(e));
            return;
        }
        log.error("provider callback failed; ending the answer", e);
        span.setStatus(StatusCode.ERROR, PROVIDER_FAULT);
        generation.cancel();
        fault = new ChunkError(PROVIDER_FAULT, "the answer failed: " + e.getClass().getSimpleName());
        endWithError(fault, "provider_fault");
    }

    /** {@code ANSWER_MAX_DURATION} passed: stop the provider, stop renewing, end with an error chunk. */
    private void timedOut() {
        if (state != State.STREAMING) {
            return;
        }
        log.warn("answer exceeded " + s.settings().answerLimits().maxDuration());
        generation.cancel();
        lease.stopRenewing();
        endWithError(new ChunkError(ANSWER_TIMEOUT, "the answer took longer than "
                + s.settings().answerLimits().maxDuration().toSeconds() + " s"), "timed_out");
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
                if (queued) {
                    // Nothing to stop: it ends with a single cancelled chunk when its turn comes (BUSY_POLICY).
                    return Future.succeededFuture(true);
                }
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
        end(ResponseChunk.finalChunk(info.sessionId(), info.messageId(), nextChunkId,
                new ChunkMetadata(request.context().model(), tokens, FinishReason.CANCELLED), info.correlationId(), now()),
                "cancelled");
        if (cancelReply != null) {
            cancelReply.tryComplete(true);
        }
    }

    private void endWithError(ChunkError error, String outcome) {
        String model = state == State.STREAMING ? request.context().model() : null;
        end(ResponseChunk.failure(info.sessionId(), info.messageId(), nextChunkId, error, model,
                info.correlationId(), now()), outcome);
    }

    private void end(ResponseChunk finalChunk, String outcome) {
        state = State.ENDING;
        finishReason = finalChunk.metadata() == null || finalChunk.metadata().finishReason() == null
                ? FinishReason.ERROR : finalChunk.metadata().finishReason();
        cancelDeadline();
        this.outcome = outcome;
        publish(finalChunk);
    }

    private void publish(ResponseChunk chunk) {
        if (lease.lost()) {
            onLeaseLost();
            return;
        }
        try {
            fanout.publish(chunk);
            nextChunkId = chunk.chunkId() + 1;
        } catch (RuntimeException e) {
            // Never leave an answer hanging (the lease would keep it alive forever): stop it and retry later.
            log.error("publishing chunk " + chunk.chunkId() + " failed", e);
            fanout.abandon();
            infrastructureFailure("publish_failed", String.valueOf(e.getMessage()));
            return;
        }
        if (!firstPublished) {
            firstPublished = true;
            s.metrics().timeToFirstChunk(Duration.between(request.timestamp(), s.clock().instant()));
        }
    }

    /** The final chunk's history write completed (with everything before it), or failed for good. */
    private void recorded(AsyncResult<Void> ar) {
        if (state == State.DONE) {
            return;
        }
        if (ar.succeeded()) {
            ending.recorded(outcome, fault, StoredTurn.assistant(info.messageId(), answerText.toString(),
                    finishReason.wireName(), now()));
            return;
        }
        state = State.DONE;
        generation.cancel();
        ending.historyFailed(ar.cause(), fanout, nextChunkId, request.context().model());
    }

    /** Something other than the provider failed before the answer was recorded. */
    void infrastructureFailure(String code, String message) {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        generation.cancel();
        ending.failed(code, message, false, nextChunkId);
    }

    /** Called by the lease's renewal when no renewal reached the server for a whole ackWait. */
    void onLeaseLost() {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        ending.leaseLost(); // its teardown stops the provider and every write
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
        recorded.onComplete(ar -> ending.handedBack());
    }

    /** Stops everything this answer runs (harmless after a normal end); {@link AnswerEnd#finish} calls it once. */
    private void teardown() {
        state = State.DONE;
        generation.cancel();
        if (fanout != null) {
            fanout.abandon();
        }
        cancelDeadline();
        if (route != null) {
            route.close();
        }
        if (cancelReply != null) {
            cancelReply.tryComplete(false);
        }
    }

    private void cancelDeadline() {
        if (deadlineTimer >= 0) {
            s.vertx().cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    private Instant now() {
        return s.clock().instant();
    }

    Context context() {
        return context;
    }

    /** Whether the request waits for an earlier answer of its session; call on {@link #context}. */
    void queued(boolean queued) {
        this.queued = queued;
    }
}
