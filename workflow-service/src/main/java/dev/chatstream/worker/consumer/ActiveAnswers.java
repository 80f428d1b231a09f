package dev.chatstream.worker.consumer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers this worker is generating, plus two bounded memories: messages it finished recently
 * (a late cancel is answered {@code finished}) and cancels it heard for messages it was not
 * generating (a request picked up later ends at once with {@code cancelled}).
 */
final class ActiveAnswers {
    static final int RECENT_CAPACITY = 10_000;
    static final Duration RECENT_TTL = Duration.ofMinutes(10);

    private final ConcurrentHashMap<String, Answer> active = new ConcurrentHashMap<>();
    private final RecentIds finished = new RecentIds(RECENT_CAPACITY, RECENT_TTL, System::nanoTime);
    private final RecentIds cancelled = new RecentIds(RECENT_CAPACITY, RECENT_TTL, System::nanoTime);

    /** Registers {@code answer}; false when this worker is already generating that message. */
    boolean register(String messageId, Answer answer) {
        return active.putIfAbsent(messageId, answer) == null;
    }

    void finished(String messageId, Answer answer, boolean ended) {
        active.remove(messageId, answer);
        if (ended) {
            finished.add(messageId);
        }
    }

    Answer get(String messageId) {
        return active.get(messageId);
    }

    boolean recentlyFinished(String messageId) {
        return finished.contains(messageId);
    }

    void rememberCancel(String messageId) {
        cancelled.add(messageId);
    }

    boolean cancelRequested(String messageId) {
        return cancelled.contains(messageId);
    }

    int size() {
        return active.size();
    }

    List<Answer> snapshot() {
        return List.copyOf(active.values());
    }
}
