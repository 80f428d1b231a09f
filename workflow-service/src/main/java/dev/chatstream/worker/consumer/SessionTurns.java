package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.CancelRequest;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BusyPolicy;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code BUSY_POLICY} on the worker side: one answer per session at a time, in the order the pods accepted the
 * messages. A request starts only once no earlier request of its session is stored in {@code WORKFLOW_REQUESTS}
 * ({@link RequestsAhead}): the earlier one was acked after its final chunk was recorded and its assistant turn
 * kept (so this answer's context holds it), or dead-lettered. The work queue itself is the per-session queue,
 * shared by every worker, so messages of one session that reach different workers still take turns.
 *
 * <p>While it waits, the request is neither acked nor naked: its {@link Lease} renews it ({@code inProgress}),
 * so it costs no redelivery and its clients see no restart notice; a worker that dies while holding it lets
 * it be redelivered after {@code ackWait}, lost to no one. It keeps its worker slot. A request accepted under
 * {@link BusyPolicy#INTERRUPT} cancels every earlier request of its session (the ordinary cancel on
 * {@code chat.workflow.cancel.{sid}}; again every {@link #CANCEL_REPEAT} while one stays first, for one no
 * worker held when the cancel went out), then waits the same way. {@code reject} is the pod's (409 before
 * publishing); its requests wait like {@code queue} ones, which only matters if pods disagree on the policy.
 *
 * <p>Only the first of a session's requests on this worker reads the queue: the others wait without a JetStream
 * call until it has ended here ({@link LocalLines}), and the next one looks at once when it has. Under load a session's
 * queue grows (its sender does not wait for answers); when every waiting request polled, the polls took the
 * worker threads and JetStream API that starting and ending answers need, every answer started later and
 * more requests waited — a spiral that left README's example load with TTFTs of 15–20 s.
 *
 * <p>Never stuck: a request waits for one earlier request at most {@code ANSWER_MAX_DURATION} +
 * {@link #WAIT_SLACK} (an answer cannot stream longer, so a first request that never ends is stuck in retries),
 * and starts anyway, logged, when the stream cannot be read for {@link #UNREADABLE_LIMIT}.
 */
final class SessionTurns {
    /**
     * How often a waiting request looks at its session's queue again: from {@code POLL_MIN}, doubling up to
     * {@code POLL_MAX} while the same request is first (one JetStream API call each), so a long answer ahead
     * costs a few calls a second and the next answer starts within {@code POLL_MAX} of the previous one's end.
     */
    static final Duration POLL_MIN = Duration.ofMillis(50);
    static final Duration POLL_MAX = Duration.ofMillis(400);
    static final Duration CANCEL_REPEAT = Duration.ofSeconds(10);
    static final Duration WAIT_SLACK = Duration.ofSeconds(30);
    static final Duration UNREADABLE_LIMIT = Duration.ofSeconds(10);
    /** A request waiting behind one of its session's on this worker looks again this often anyway (a missed wake-up). */
    static final Duration PARKED_RECHECK = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final RequestsAhead ahead;
    private final Connection connection;
    private final MessageCodec codec;
    private final Duration headLimit;
    private final Set<Turn> waiting = ConcurrentHashMap.newKeySet();
    private final LocalLines lines = new LocalLines();
    private final Runnable onCheck;

    SessionTurns(Vertx vertx, RequestsAhead ahead, Connection connection, MessageCodec codec, Duration maxAnswer,
                 Runnable onCheck) {
        this.vertx = vertx;
        this.onCheck = onCheck;
        this.ahead = ahead;
        this.connection = connection;
        this.codec = codec;
        this.headLimit = maxAnswer.plus(WAIT_SLACK);
    }

    /**
     * Completes on {@code context} once the request in {@code msg} may start; never completes when its lease is
     * settled meanwhile (the answer ended: lost lease, shutdown hand-over). Call on {@code context}.
     */
    Future<Void> await(Message msg, String sessionId, String messageId, Answer answer, Lease lease, AnswerLog log,
                       Context context) {
        if (!msg.isJetStream()) {
            return Future.succeededFuture();
        }
        Turn turn = new Turn(msg.metaData().streamSequence(), sessionId, messageId, BusyPolicy.of(msg.getHeaders()),
                answer, lease, log, context);
        lines.waiting(new LocalLines.Waiter(sessionId, turn.sequence, () -> context.runOnContext(v -> turn.wake())));
        // Settled while waiting (cancelled, lease lost, handed back): the session's next request need not wait for
        // this one's next look.
        lease.whenSettled(turn::settledWhileWaiting);
        turn.check();
        return turn.started.future();
    }

    /** Requests waiting for an earlier answer of their session on this worker. */
    int waiting() {
        return waiting.size();
    }

    /** Shutdown: hands every waiting request back at once (it streamed nothing; another worker takes it). */
    void handBackWaiting() {
        for (Turn turn : waiting) {
            turn.context.runOnContext(v -> turn.answer.abandon());
        }
    }

    /** {@code turn} stopped waiting: started ({@code started}) or settled; the session's next request may look. */
    private void left(Turn turn, boolean started) {
        if (lines.left(turn.sessionId, turn.sequence, started) && started) {
            turn.lease.whenSettled(() -> lines.ended(turn.sessionId, turn.sequence));
        }
    }

    /** One request waiting for its turn; runs on its answer's context. */
    private final class Turn {
        private final long sequence;
        private final String sessionId;
        private final String messageId;
        private final BusyPolicy policy;
        private final Answer answer;
        private final Lease lease;
        private final AnswerLog log;
        private final Context context;
        private final Promise<Void> started = Promise.promise();
        private long head = -1;
        private long headSince;
        private long lastCancel;
        private long unreadableSince = -1;
        private long pollMs = POLL_MIN.toMillis();
        private boolean parked;
        private long parkedTimer = -1;

        Turn(long sequence, String sessionId, String messageId, BusyPolicy policy, Answer answer, Lease lease,
             AnswerLog log, Context context) {
            this.sequence = sequence;
            this.sessionId = sessionId;
            this.messageId = messageId;
            this.policy = policy;
            this.answer = answer;
            this.lease = lease;
            this.log = log;
            this.context = context;
        }

        void check() {
            if (lease.settled()) {
                leave();
                return;
            }
            boolean all = policy == BusyPolicy.INTERRUPT;
            // Interrupting requests still look themselves: each cancels every earlier one as soon as it can.
            if (!all && lines.behind(sessionId, sequence)) {
                park();
                return;
            }
            parked = false;
            onCheck.run();
            context.<List<RequestsAhead.Ahead>>executeBlocking(() -> ahead.of(sessionId, sequence, all), false)
                    .onComplete(ar -> {
                        if (lease.settled()) {
                            leave();
                        } else if (ar.succeeded()) {
                            unreadableSince = -1;
                            onAhead(ar.result());
                        } else {
                            onUnreadable(ar.cause());
                        }
                    });
        }

        /** Waits, without asking JetStream, for the earlier request here to end (or {@link #PARKED_RECHECK}). */
        private void park() {
            markWaiting();
            if (!parked) {
                parked = true;
                parkedTimer = vertx.setTimer(PARKED_RECHECK.toMillis(), id -> {
                    parkedTimer = -1;
                    if (parked) {
                        // Unparked first, so a check that finds it still behind parks it again with a new timer.
                        parked = false;
                        check();
                    }
                });
            }
        }

        void settledWhileWaiting() {
            if (!started.future().isComplete()) {
                leave();
            }
        }

        /** The request ahead of this one here ended: look now. */
        void wake() {
            if (!parked) {
                return;
            }
            unpark();
            pollMs = POLL_MIN.toMillis();
            check();
        }

        private void unpark() {
            parked = false;
            if (parkedTimer >= 0) {
                vertx.cancelTimer(parkedTimer);
                parkedTimer = -1;
            }
        }

        private void markWaiting() {
            if (waiting.add(this)) {
                answer.queued(true);
                log.info("busy_policy " + policy.wireName() + ": waiting for the session's earlier answers");
            }
        }

        private void onAhead(List<RequestsAhead.Ahead> earlier) {
            if (earlier.isEmpty()) {
                if (waiting.contains(this)) {
                    log.info("busy_policy: the session's earlier answers ended; starting");
                }
                start();
                return;
            }
            long now = System.nanoTime();
            boolean moved = earlier.get(0).sequence() != head;
            markWaiting();
            if (moved) {
                head = earlier.get(0).sequence();
                headSince = now;
                pollMs = POLL_MIN.toMillis();
            }
            if (policy == BusyPolicy.INTERRUPT && (moved || now - lastCancel >= CANCEL_REPEAT.toNanos())) {
                lastCancel = now;
                earlier.forEach(this::cancel);
            }
            if (now - headSince > headLimit.toNanos()) {
                log.warn("busy_policy: an earlier request of the session did not end within " + headLimit
                        + "; starting anyway");
                start();
                return;
            }
            vertx.setTimer(pollMs, id -> check());
            pollMs = Math.min(POLL_MAX.toMillis(), pollMs * 2);
        }

        private void onUnreadable(Throwable err) {
            long now = System.nanoTime();
            if (unreadableSince < 0) {
                unreadableSince = now;
            }
            if (now - unreadableSince > UNREADABLE_LIMIT.toNanos()) {
                log.warn("busy_policy: cannot read the session's queued requests (" + err + "); starting anyway");
                start();
                return;
            }
            vertx.setTimer(POLL_MAX.toMillis(), id -> check());
        }

        /** The ordinary scoped cancel of one earlier request; never of this message itself (a re-published copy). */
        private void cancel(RequestsAhead.Ahead earlier) {
            if (earlier.messageId() == null || earlier.messageId().equals(messageId)) {
                return;
            }
            try {
                connection.publish(Subjects.workflowCancel(sessionId),
                        codec.encode(new CancelRequest(sessionId, earlier.messageId(), Instant.now())));
            } catch (RuntimeException e) {
                // Disconnected: the next cancel round (CANCEL_REPEAT) tries again.
                log.warn("busy_policy interrupt: could not cancel " + earlier.messageId() + ": " + e);
            }
        }

        private void start() {
            stopWaiting();
            left(this, true);
            started.tryComplete();
        }

        private void leave() {
            stopWaiting();
            left(this, false);
        }

        private void stopWaiting() {
            unpark();
            waiting.remove(this);
            answer.queued(false);
        }
    }
}
