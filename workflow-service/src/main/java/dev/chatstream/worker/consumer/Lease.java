package dev.chatstream.worker.consumer;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The acknowledgement policy of one delivered request: this worker's claim on it, kept alive while the
 * answer streams and settled exactly once.
 *
 * <p>While an answer streams, {@code inProgress()} goes out every ackWait/3 so a slow answer is not
 * redelivered to a second worker. A renewal only counts when the connection is up (one sent while
 * disconnected waits in the reconnect buffer and may arrive too late): once no renewal counted for a
 * whole ackWait the server may have handed the request to another worker, so the lease is
 * {@linkplain #lost() lost} and the attempt must write nothing more (fencing). Failures are naked WITH a
 * delay that grows with each delivery — a bare nak would redeliver at once and, while the cause lasts,
 * spin every worker in a hot loop; only a hand-over at shutdown naks plainly, so another worker starts
 * it at once. Runs on the answer's event-loop context.
 */
final class Lease {
    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);
    private final AnswerServices s;
    private final Message msg;
    private final long deliveries;
    private long renewTimer = -1;
    private long renewedAt = System.nanoTime();
    private boolean settled;
    /** What runs once the request is settled, after the settling call went out. */
    private final List<Runnable> onSettled = new ArrayList<>(2);

    Lease(AnswerServices services, Message msg) {
        this.s = services;
        this.msg = msg;
        this.deliveries = msg.isJetStream() ? msg.metaData().deliveredCount() : 1;
    }

    /** How many times the request was delivered, this one included. */
    long deliveries() {
        return deliveries;
    }

    /** Whether this is the last delivery JetStream allows: a failure now dead-letters instead of retrying. */
    boolean lastDelivery() {
        return deliveries >= s.maxDeliver();
    }

    /** Starts renewing; {@code onLost} runs (once) when no renewal reached the server for a whole ackWait. */
    void keepAlive(Runnable onLost) {
        long every = Math.max(100, s.ackWait().toMillis() / 3);
        renewTimer = s.vertx().setPeriodic(every, id -> {
            if (lost()) {
                stopRenewing();
                onLost.run();
                return;
            }
            if (s.connection().getStatus() == Connection.Status.CONNECTED) {
                msg.inProgress();
                renewedAt = System.nanoTime();
            }
        });
    }

    /** Stops renewing; the server redelivers after ackWait unless the request is settled first. */
    void stopRenewing() {
        if (renewTimer >= 0) {
            s.vertx().cancelTimer(renewTimer);
            renewTimer = -1;
        }
    }

    /** True once the server may have handed the request to another worker. */
    boolean lost() {
        return System.nanoTime() - renewedAt > s.ackWait().toNanos();
    }

    boolean settled() {
        return settled;
    }

    /** Runs {@code action} once the request is settled (acked, naked, terminated or left), on this context. */
    void whenSettled(Runnable action) {
        if (settled) {
            action.run();
        } else {
            onSettled.add(action);
        }
    }

    /** Done: the answer's final chunk is recorded (or the request needs no answer). */
    void ack() {
        settle(msg::ack);
    }

    /** An infrastructure failure: redelivered later, ever more slowly while the cause lasts. */
    void retryLater() {
        settle(() -> msg.nakWithDelay(s.settings().retryNakDelay().multipliedBy(deliveries)));
    }

    /** This worker cannot take it now (e.g. the same message still streams here); no growing delay. */
    void notNow() {
        settle(() -> msg.nakWithDelay(s.settings().retryNakDelay()));
    }

    /** Shutdown hand-over: another worker should start it at once. */
    void handBack() {
        settle(msg::nak);
    }

    /** Dead-lettered: never deliver it again. */
    void term() {
        settle(msg::term);
    }

    /**
     * Gives up on the request: a copy goes to {@code CHAT_DLQ} with the error and the delivery count,
     * then the request is terminated. Completes with true when dead-lettered; when the DLQ publish
     * fails the request is naked with a delay instead (false) and JetStream's own limit ends it.
     */
    Future<Boolean> deadLetter(String sessionId, String code, String error) {
        Context context = Vertx.currentContext();
        Promise<Boolean> done = Promise.promise();
        s.deadLetters().send(msg, sessionId, code, error, deliveries)
                .whenComplete((ack, err) -> context.runOnContext(v -> {
                    if (err == null) {
                        s.metrics().published("dlq", 1);
                        term();
                        done.complete(true);
                    } else {
                        LOG.error("could not dead-letter {}: {}", msg.getSubject(), err.toString());
                        notNow();
                        done.complete(false);
                    }
                }));
        return done.future();
    }

    /** The lease is lost: leave the request to whoever holds it now, touching nothing. */
    void leave() {
        settle(() -> { });
    }

    /**
     * Settles once: {@code send} tells the server, then what waits for the settlement runs (after the call went out,
     * so whoever it wakes finds the request gone).
     */
    private void settle(Runnable send) {
        stopRenewing();
        if (settled) {
            return;
        }
        settled = true;
        try {
            send.run();
        } finally {
            List<Runnable> actions = List.copyOf(onSettled);
            onSettled.clear();
            actions.forEach(Runnable::run);
        }
    }
}
