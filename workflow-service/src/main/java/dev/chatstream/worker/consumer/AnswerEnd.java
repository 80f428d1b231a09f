package dev.chatstream.worker.consumer;

import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.StoredTurn;
import dev.chatstream.worker.fanout.HistoryConflictException;
import dev.chatstream.worker.fanout.MessageFanout;
import dev.chatstream.worker.fanout.MessageInfo;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * The one place an {@link Answer} ends, whatever ended it: settles the request through its
 * {@link Lease} (ack, retry later, dead letter), marks an answered message in {@code chat_answered},
 * then {@link #finish}es once — tears the answer down, records the outcome, releases the slot.
 */
final class AnswerEnd {
    private final AnswerServices s;
    private final Context context;
    private final Lease lease;
    private final MessageInfo info;
    /** Whose active-answer ledger entry this answer holds; null without identity. */
    private final String userId;
    private final Span span;
    private final AnswerLog log;
    private Answer answer;
    private Runnable teardown = () -> { };
    private boolean finished;

    AnswerEnd(AnswerServices services, Context context, Lease lease, MessageInfo info, String userId, Span span,
              AnswerLog log) {
        this.userId = userId;
        this.s = services;
        this.context = context;
        this.lease = lease;
        this.info = info;
        this.span = span;
        this.log = log;
    }

    /** The answer to deregister and what to stop when it ends. */
    void bind(Answer answer, Runnable teardown) {
        this.answer = answer;
        this.teardown = teardown;
    }

    /**
     * The final chunk (and all before it) is recorded: the answer's turn is kept ({@code turn}; null when an
     * earlier delivery answered), then the request is done, or, after a fault, dead-lettered.
     */
    void recorded(String outcome, ChunkError fault, StoredTurn turn) {
        keep(turn).compose(v -> markAnswered()).onComplete(v -> {
            if (fault == null) {
                lease.ack();
                finish(outcome, true);
            } else {
                deadLetter(fault.code(), fault.message(), true);
            }
        });
    }

    /** An earlier delivery answered it already: acknowledge without answering. */
    void alreadyAnswered() {
        recorded("already_finished", null, null);
    }

    /**
     * Something other than the provider failed before the answer was recorded: retried later with a
     * growing delay, or on the last delivery the session is told (unless {@code errorPublished}) and
     * the request dead-lettered.
     */
    void failed(String code, String message, boolean errorPublished, long nextChunkId) {
        log.warn("failed: " + code + ": " + message);
        if (lease.lastDelivery()) {
            if (!errorPublished) {
                ErrorNotice.send(s, context, info.sessionId(), info.messageId(), info.attempt(), nextChunkId, code, message);
            }
            deadLetter(code, message, false);
        } else {
            lease.retryLater();
            finish("retried", false);
        }
    }

    /** The answer's history write failed for good: tell clients live on the last delivery, then retry or give up. */
    void historyFailed(Throwable err, MessageFanout fanout, long nextChunkId, String model) {
        boolean conflict = err instanceof HistoryConflictException;
        String code = conflict ? "history_conflict" : "history_write_failed";
        boolean errorPublished = false;
        if (lease.lastDelivery() && !conflict) {
            // Giving up. History is what failed, so this notice cannot go through it: live only.
            fanout.publishLiveOnly(ResponseChunk.failure(info.sessionId(), info.messageId(), nextChunkId,
                    new ChunkError(code, "the answer could not be recorded"), model, info.correlationId(),
                    s.clock().instant()));
            errorPublished = true;
        }
        // Otherwise say nothing now: the redelivery starts with a restart notice numbered 64 past what
        // history holds (clients may have seen up to that many chunks history never got); pods take the
        // higher attempt whole, so they get the restart and the new attempt once (docs/architecture.md
        // "History and live").
        failed(code, String.valueOf(err.getMessage()), errorPublished, nextChunkId);
    }

    /** Lost the lease: leave the request to whoever holds it now. */
    void leaseLost() {
        log.warn("lost the lease on the request; writing nothing more");
        lease.leave();
        finish("lease_lost", false);
    }

    /** Shutdown hand-over: another worker takes it at once. */
    void handedBack() {
        lease.handBack();
        finish("requeued", false);
    }

    private void deadLetter(String code, String message, boolean ended) {
        lease.deadLetter(info.sessionId(), code, message)
                .onComplete(ar -> finish(ar.succeeded() && ar.result() ? "dead_lettered" : "retried", ended));
    }

    /**
     * Writes the assistant turn before the ack. A failed write is logged and the answer still settles: the
     * clients have the answer, only the conversation misses this turn (as it does when the worker dies between
     * the recorded final chunk and this write: the redelivery finds the answer recorded and has no text).
     */
    private Future<Void> keep(StoredTurn turn) {
        if (turn == null) {
            return Future.succeededFuture();
        }
        return s.conversations().append(context, info.sessionId(), turn).recover(err -> {
            log.warn("could not keep the assistant turn: " + err);
            return Future.succeededFuture();
        });
    }

    /** Marks the message answered, so a copy published after the duplicate window is not answered again. */
    private Future<Void> markAnswered() {
        return s.vertx().<Void>executeBlocking(() -> {
            s.answered().mark(info.messageId());
            return null;
        }, false).recover(err -> {
            log.warn("could not mark the message answered: " + err);
            return Future.succeededFuture();
        });
    }

    /** Runs once: tears the answer down, records the outcome, releases the slot. */
    void finish(String outcome, boolean ended) {
        if (finished) {
            return;
        }
        finished = true;
        lease.stopRenewing();
        teardown.run();
        s.answers().finished(info.sessionId(), info.messageId(), answer, ended);
        if (ended) {
            // The answer is over for good (final chunk recorded, or dead-lettered): free the user's slot.
            s.ledger().release(userId, info.messageId());
        }
        s.metrics().request(outcome);
        span.setAttribute("chat.outcome", outcome);
        span.end();
        log.debug("answer ended: " + outcome);
        s.slots().release();
    }
}
