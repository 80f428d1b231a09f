package dev.chatstream.worker.consumer;

import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Pulls requests from the shared durable consumer {@code workflow-workers} on one thread, asking for
 * only as many as there are free {@link Slots}: every instance pulls from the same consumer, so each
 * request goes to exactly one of them and a busy instance leaves work to the idle ones.
 */
final class RequestFetcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestFetcher.class);
    private static final int MAX_BATCH = 256;
    private static final long FAILURE_BACKOFF_MS = 500;

    private final JetStreamSubscription subscription;
    private final Slots slots;
    private final Duration maxWait;
    private final Consumer<Message> dispatch;
    private volatile boolean running = true;
    private final Thread thread;

    RequestFetcher(JetStreamSubscription subscription, Slots slots, Duration maxWait, Consumer<Message> dispatch,
                   String name) {
        this.subscription = subscription;
        this.slots = slots;
        this.maxWait = maxWait;
        this.dispatch = dispatch;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops asking for requests at once; a pull in progress ends within {@code FETCH_MAX_WAIT}. */
    void stop() {
        running = false;
    }

    void awaitStopped(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
    }

    @Override
    public void run() {
        while (running) {
            try {
                int free = slots.awaitFree(maxWait.toMillis());
                if (free == 0 || !running) {
                    continue;
                }
                // iterate() hands each message over as it arrives, instead of waiting for the whole batch.
                Iterator<Message> messages = subscription.iterate(Math.min(free, MAX_BATCH), maxWait);
                while (messages.hasNext()) {
                    Message msg = messages.next();
                    if (!running) {
                        // Fetched while stopping: hand it straight back so another worker takes it.
                        msg.nak();
                        continue;
                    }
                    slots.acquire();
                    dispatch.accept(msg);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Typically the connection is down; jnats reconnects, we try again shortly.
                LOG.warn("fetching requests failed: {}", e.toString());
                try {
                    // Not tied to the (short) pull wait, so an outage is not logged fifty times a second.
                    Thread.sleep(FAILURE_BACKOFF_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
