package dev.chatstream.worker.consumer;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * This worker's requests of each session, for {@link SessionTurns}: those waiting for their turn and those that
 * started and are not yet settled, by stream sequence. A request with an earlier one of its session here cannot
 * start before that one ends, which this worker will see: it need not ask JetStream meanwhile, and it is woken
 * when the one ahead of it has left. Thread-safe: answers of one session may run on different event loops.
 */
final class LocalLines {
    /** A waiting request: its sequence in {@code WORKFLOW_REQUESTS} and how to wake it (it hops to its own context). */
    record Waiter(String sessionId, long sequence, Runnable wake) {
    }

    private final Map<String, Line> lines = new HashMap<>();

    private static final class Line {
        final TreeMap<Long, Waiter> waiting = new TreeMap<>();
        final TreeSet<Long> running = new TreeSet<>();

        boolean behind(long sequence) {
            return running.lower(sequence) != null || waiting.lowerKey(sequence) != null;
        }

        boolean empty() {
            return waiting.isEmpty() && running.isEmpty();
        }
    }

    synchronized void waiting(Waiter waiter) {
        lines.computeIfAbsent(waiter.sessionId(), k -> new Line()).waiting.put(waiter.sequence(), waiter);
    }

    /** Whether an earlier request of the session is waiting or running here. */
    synchronized boolean behind(String sessionId, long sequence) {
        Line line = lines.get(sessionId);
        return line != null && line.behind(sequence);
    }

    /**
     * The request stopped waiting: it started ({@code started}: it runs until {@link #ended}) or was settled. Returns
     * false when it was not waiting. The session's next request here is woken if nothing is ahead of it any more.
     */
    synchronized boolean left(String sessionId, long sequence, boolean started) {
        Line line = lines.get(sessionId);
        if (line == null || line.waiting.remove(sequence) == null) {
            return false;
        }
        if (started) {
            line.running.add(sequence);
        }
        wakeFirst(sessionId, line);
        return true;
    }

    /** A request that started here was settled: the session's next request here is woken. */
    synchronized void ended(String sessionId, long sequence) {
        Line line = lines.get(sessionId);
        if (line != null && line.running.remove(sequence)) {
            wakeFirst(sessionId, line);
        }
    }

    private void wakeFirst(String sessionId, Line line) {
        Map.Entry<Long, Waiter> first = line.waiting.firstEntry();
        if (first != null && !line.behind(first.getKey())) {
            first.getValue().wake().run();
        }
        if (line.empty()) {
            lines.remove(sessionId);
        }
    }
}
