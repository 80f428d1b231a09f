package dev.chatstream.worker.fanout;

import dev.chatstream.worker.loop.EventLoops;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails the history writes of one event-loop context that got no acknowledgement within their timeout, from one
 * timer for all of them. {@code CompletableFuture.orTimeout} per write cost a hand-off to the JDK's delay-scheduler
 * thread for every write and every acknowledgement (~2 000 a second at 200 paced answers, docs/benchmarks.md §9);
 * here a write costs a queue entry, and the context's timer fires about once per timeout while writes flow.
 *
 * <p>Writes are queued in the order they were sent with one timeout for all (the {@code HISTORY_ATTEMPT_TIMEOUT}
 * setting), so their deadlines come in order; a sweep drops the answered writes at the head and fails the
 * expired ones. A write fails between its deadline and {@link #SLACK_MS} after it. Used on its context only.
 */
final class WriteDeadlines {
    /** A deadline is checked at most this late (or a quarter of a short timeout). */
    static final long SLACK_MS = 50;
    private static final String KEY = WriteDeadlines.class.getName();

    private record Entry(CompletableFuture<?> write, long deadlineNanos) {
    }

    private final Vertx vertx;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long timerId = -1;

    private WriteDeadlines(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * {@code write}, failed with a {@link TimeoutException} if not complete within {@code timeoutMs}: by the timer of
     * the calling event-loop context, else (no such context) by {@code orTimeout}.
     */
    static <T> CompletableFuture<T> within(CompletableFuture<T> write, long timeoutMs) {
        Context loop = EventLoops.current();
        if (loop == null) {
            return write.orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        }
        EventLoops.local(loop, KEY, root -> new WriteDeadlines(root.owner())).watch(write, timeoutMs);
        return write;
    }

    int watched() {
        return entries.size();
    }

    private void watch(CompletableFuture<?> write, long timeoutMs) {
        // Acknowledged writes at the head leave now rather than at the next sweep.
        while (!entries.isEmpty() && entries.peek().write().isDone()) {
            entries.poll();
        }
        entries.add(new Entry(write, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)));
        if (timerId < 0) {
            arm(timeoutMs);
        }
    }

    private void arm(long timeoutMs) {
        long slackMs = Math.max(1, Math.min(SLACK_MS, timeoutMs / 4));
        // Rounded up: a timer that fires just before the head's deadline would only re-arm and fail it a slack later.
        long untilHeadMs = (entries.peek().deadlineNanos() - System.nanoTime() + 999_999) / 1_000_000;
        timerId = vertx.setTimer(Math.max(slackMs, untilHeadMs), id -> sweep(timeoutMs));
    }

    private void sweep(long timeoutMs) {
        timerId = -1;
        long now = System.nanoTime();
        while (!entries.isEmpty()) {
            Entry head = entries.peek();
            if (!head.write().isDone() && head.deadlineNanos() > now) {
                break;
            }
            entries.poll();
            if (!head.write().isDone()) {
                head.write().completeExceptionally(new TimeoutException(
                        "no acknowledgement within " + timeoutMs + " ms"));
            }
        }
        if (!entries.isEmpty()) {
            arm(timeoutMs);
        }
    }
}
