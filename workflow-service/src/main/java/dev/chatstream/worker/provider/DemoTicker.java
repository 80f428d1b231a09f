package dev.chatstream.worker.provider;

import dev.chatstream.worker.loop.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One timer for every paced demo answer on a Vert.x context, instead of one timer per token per answer:
 * a real provider's tokens arrive as socket reads on a few connections, and a timer per token was a
 * large part of the demo worker's cost per chunk. Every answer waits the same delay, so the answers queue
 * in due order (FIFO); each tick emits every token due by then (within half a millisecond) in one
 * event-loop turn, then arms the timer for the next one. Runs on its context only.
 */
final class DemoTicker {
    /** Tokens due this close to a tick go out in it: timers have millisecond resolution. */
    private static final long SLACK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final String KEY = DemoTicker.class.getName();

    /** Something the ticker wakes once its delay has passed. */
    interface Due {
        void fire();
    }

    private record Entry(Due due, long atNanos) {
    }

    private final Vertx vertx;
    private final long delayNanos;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long timerId = -1;

    private DemoTicker(Vertx vertx, long delayNanos) {
        this.vertx = vertx;
        this.delayNanos = delayNanos;
    }

    /** The ticker of {@code context} for {@code delayMs}, made on first use; call on that context. */
    static DemoTicker of(Vertx vertx, Context current, long delayMs) {
        return EventLoops.local(current, KEY + '/' + delayMs,
                root -> new DemoTicker(vertx, TimeUnit.MILLISECONDS.toNanos(delayMs)));
    }

    /** Fires {@code due} one delay from now. */
    void schedule(Due due) {
        queue.add(new Entry(due, System.nanoTime() + delayNanos));
        if (timerId < 0) {
            arm();
        }
    }

    int waiting() {
        return queue.size();
    }

    private void arm() {
        long waitNanos = queue.peek().atNanos() - System.nanoTime();
        long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + SLACK_NANOS));
        timerId = vertx.setTimer(waitMs, id -> tick());
    }

    private void tick() {
        timerId = -1;
        long horizon = System.nanoTime() + SLACK_NANOS;
        // Fires may schedule again: those go one delay later, past the horizon, so the loop ends.
        while (!queue.isEmpty() && queue.peek().atNanos() <= horizon) {
            queue.poll().due().fire();
        }
        if (!queue.isEmpty() && timerId < 0) {
            arm();
        }
    }
}
