package dev.chatstream.worker.provider;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * One timer for every paced demo answer on a Vert.x context, instead of one timer per token per answer:
 * a real provider's tokens arrive as socket reads on a few connections, and a timer per token was a
 * large part of the demo worker's cost per chunk. Answers wait for absolute times (their model's schedule),
 * kept in due order; each tick fires everything due by then (within half a millisecond) in one event-loop
 * turn, then arms the timer for the next one. Runs on its context only.
 */
final class DemoTicker {
    /** Tokens due this close to a tick go out in it: timers have millisecond resolution. */
    private static final long SLACK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final String KEY = DemoTicker.class.getName();

    /** Something the ticker wakes once its delay has passed. */
    interface Due {
        void fire();
    }

    /** {@code order} keeps answers due at the same nanosecond in the order they asked. */
    private record Entry(Due due, long atNanos, long order) {
    }

    private final Vertx vertx;
    private final long delayNanos;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>(
            Comparator.comparingLong(Entry::atNanos).thenComparingLong(Entry::order));
    private long asked;
    private long timerId = -1;
    private boolean ticking;

    private DemoTicker(Vertx vertx, long delayNanos) {
        this.vertx = vertx;
        this.delayNanos = delayNanos;
    }

    /** The ticker of {@code context} for {@code delayMs}, made on first use; call on that context. */
    static DemoTicker of(Vertx vertx, Context current, long delayMs) {
        Context context = current instanceof ContextInternal internal ? internal.unwrap() : current;
        String key = KEY + '/' + delayMs;
        DemoTicker ticker = context.get(key);
        if (ticker == null) {
            ticker = new DemoTicker(vertx, TimeUnit.MILLISECONDS.toNanos(delayMs));
            context.put(key, ticker);
        }
        return ticker;
    }

    /** The delay between two tokens of one answer. */
    long delayNanos() {
        return delayNanos;
    }

    /** Fires {@code due} at {@code atNanos} ({@link System#nanoTime()}), or on the next tick when that has passed. */
    void scheduleAt(Due due, long atNanos) {
        Entry entry = new Entry(due, atNanos, asked++);
        queue.add(entry);
        if (ticking) {
            return; // the tick arms the timer for whatever is due first once it is done
        }
        if (timerId < 0) {
            arm();
        } else if (queue.peek() == entry) {
            // Due before what the timer waits for.
            vertx.cancelTimer(timerId);
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
        // Fires may schedule again: a fire emits every token due by now, so what it asks for is in the future.
        ticking = true;
        try {
            while (!queue.isEmpty() && queue.peek().atNanos() <= horizon) {
                queue.poll().due().fire();
            }
        } finally {
            ticking = false;
            if (!queue.isEmpty()) {
                arm();
            }
        }
    }
}
