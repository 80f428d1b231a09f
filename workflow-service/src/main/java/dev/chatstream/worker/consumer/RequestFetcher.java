package dev.chatstream.worker.consumer;

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Pulls requests from the shared durable consumer {@code workflow-workers} on one thread, asking for
 * only as many as there are free {@link Slots}: every instance pulls from the same consumer, so each
 * request goes to exactly one of them and a busy instance leaves work to the idle ones.
 *
 * <p>One pull request is outstanding at the server at any moment. It lives {@code FETCH_MAX_WAIT}
 * ({@code pullLifetime}); the next one is sent when the client-side deadline of the current one
 * passes, or as soon as it has brought all it asked for, WITHOUT waiting for the server's
 * {@code 408 Request Timeout}: nats-server before 2.9.16 drops an expired pull without that status
 * when a message arrives between the expiry and its expiry timer, and a client waiting for the
 * status then had no pull at the server for up to a whole pull wait (that was the TTFT tail, see
 * workflow-service/README.md). Sent at our deadline, which is never before the server's (the server
 * counts from when it received the pull), the next pull reaches the server about when the previous
 * one expires.
 *
 * <p>The price is a short overlap in which both pulls may deliver. So what the expired pull did not
 * bring still counts against the free slots ({@code lingering}) for one more pull lifetime: the next
 * pull asks only for the rest. Without that, under a burst a pull's late deliveries and the
 * next pull's together exceeded the free slots, the excess was handed back (nak), and every hand-back
 * was a redelivery — counted against {@code maxDeliver}, and formerly shown to clients as a restart.
 * A request that still arrives when every slot is taken waits up to one pull lifetime for a slot and
 * is otherwise handed back at once, so a busy instance never keeps a request another one could start.
 */
final class RequestFetcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestFetcher.class);
    static final int MAX_BATCH = 256;
    private static final long FAILURE_BACKOFF_MS = 500;
    private static final long HAND_BACK_MARGIN_NANOS = 1_000_000_000L;

    private final Connection connection;
    private final JetStreamSubscription subscription;
    private final Slots slots;
    private final Duration pullLifetime;
    private final Consumer<Message> dispatch;
    private final Thread thread;
    private volatile boolean running = true;

    // Owned by the fetcher thread: the last pull sent, if any, and what it may still bring.
    private boolean pullSent;
    private long pullDeadline;
    private int pullLeft;
    /** What the last expired pull asked for and did not bring: it may still arrive until {@code lingeringUntil}. */
    private int lingering;
    private long lingeringUntil;
    private boolean paused;
    /** Requests pulled after the stop, handed back together once no pull of ours is open any more. */
    private final java.util.List<Message> lateDeliveries = new java.util.ArrayList<>();

    RequestFetcher(Connection connection, JetStreamSubscription subscription, Slots slots, Duration pullLifetime,
                   Consumer<Message> dispatch, String name) {
        this.connection = connection;
        this.subscription = subscription;
        this.slots = slots;
        this.pullLifetime = pullLifetime;
        this.dispatch = dispatch;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops asking for requests at once; requests the last pull still brings are naked back. */
    void stop() {
        running = false;
    }

    void awaitStopped(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
    }

    @Override
    public void run() {
        try {
            while (running) {
                try {
                    if (pullLeft == 0 || System.nanoTime() - pullDeadline >= 0) {
                        renewPull();
                        continue;
                    }
                    Message msg = subscription.nextMessage(Duration.ofNanos(Math.max(1, pullDeadline - System.nanoTime())));
                    if (msg != null) {
                        take(msg);
                    }
                } catch (RuntimeException e) {
                    // Typically the connection is down; jnats reconnects, we try again shortly.
                    LOG.warn("fetching requests failed: {}", e.toString());
                    pullLeft = 0;
                    Thread.sleep(FAILURE_BACKOFF_MS);
                }
            }
            handBackLateDeliveries();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends the next pull, for as many requests as there are free slots (waits while there are none). */
    private void renewPull() throws InterruptedException {
        // Only the pull that just expired can still deliver (one lifetime covers the server's later expiry).
        lingering = pullLeft;
        lingeringUntil = pullDeadline + pullLifetime.toNanos();
        pullLeft = 0;
        if (lingering > 0 && System.nanoTime() - lingeringUntil >= 0) {
            lingering = 0;
        }
        if (connection.getStatus() != Connection.Status.CONNECTED) {
            // A pull sent now would wait in the reconnect buffer and reach the server with others:
            // more requests than free slots. Pause instead, and say so once per outage.
            if (!paused) {
                paused = true;
                LOG.warn("NATS is {}: not pulling requests until it is back", connection.getStatus());
            }
            Thread.sleep(FAILURE_BACKOFF_MS);
            return;
        }
        if (paused) {
            paused = false;
            LOG.info("NATS is back: pulling requests again");
        }
        // Requests the previous pull brought late take their slots first.
        for (Message late = subscription.nextMessage((Duration) null); late != null;
             late = subscription.nextMessage((Duration) null)) {
            take(late);
        }
        int free = slots.awaitFree(pullLifetime.toMillis()) - lingering;
        if (free <= 0 || !running) {
            if (free <= 0 && lingering > 0) {
                // Every free slot may still be filled by an expired pull: listen for it instead of asking more.
                Message late = subscription.nextMessage(pullLifetime);
                if (late != null) {
                    take(late);
                }
            }
            return;
        }
        int batch = Math.min(free, MAX_BATCH);
        subscription.pullExpiresIn(batch, pullLifetime);
        pullDeadline = System.nanoTime() + pullLifetime.toNanos();
        pullLeft = batch;
        pullSent = true;
    }

    private void take(Message msg) throws InterruptedException {
        // Which pull brought it is unknown: count it against the oldest one still owed.
        if (lingering > 0) {
            lingering--;
        } else {
            pullLeft = Math.max(0, pullLeft - 1);
        }
        if (!running) {
            // Fetched while stopping: handed back once our pulls have expired (see handBackLateDeliveries).
            lateDeliveries.add(msg);
            return;
        }
        if (slots.tryAcquire()) {
            dispatch.accept(msg);
            return;
        }
        // Delivered beyond the free slots, which only happens while one pull replaces the next: wait a
        // little for a slot, else hand it back at once (not after ackWait) so an idle worker takes it.
        if (slots.awaitFree(pullLifetime.toMillis()) > 0 && running && slots.tryAcquire()) {
            dispatch.accept(msg);
        } else if (!running) {
            lateDeliveries.add(msg);
        } else {
            msg.nak();
        }
    }

    /**
     * After a stop: the last pull may still bring requests until it expires. They are collected and
     * handed back (nak) together only after that: a request naked while one of our pulls is still open
     * at the server is redelivered straight into it, and bouncing so can use up its {@code maxDeliver}.
     */
    private void handBackLateDeliveries() throws InterruptedException {
        if (pullSent) {
            // The server's expiry trails ours by the time the pull took to reach it, which on a loaded host
            // can exceed a (20 ms) lifetime; a request delivered after we stop reading would wait for
            // ackWait (30 s) instead of going to another instance now. Listen at least a second longer.
            long until = pullDeadline + Math.max(pullLifetime.toNanos(), HAND_BACK_MARGIN_NANOS);
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                try {
                    Message msg = subscription.nextMessage(Duration.ofNanos(left));
                    if (msg != null) {
                        lateDeliveries.add(msg);
                    }
                } catch (RuntimeException e) {
                    break; // connection gone: whatever was in flight is redelivered after ackWait
                }
            }
        }
        for (Message msg : lateDeliveries) {
            try {
                msg.nak();
            } catch (RuntimeException e) {
                return; // connection gone: redelivered after ackWait
            }
        }
        lateDeliveries.clear();
    }
}
