package dev.chatstream.worker.consumer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers this worker is generating, plus two bounded memories: answers it finished recently (a
 * late cancel is answered {@code finished}) and cancels it heard for answers it was not generating (a
 * request of that session and id picked up soon after ends at once with {@code cancelled}). Everything
 * is keyed by session id AND message id: a cancel naming another session's message finds nothing.
 */
final class ActiveAnswers {
    static final int RECENT_CAPACITY = 10_000;
    static final Duration RECENT_TTL = Duration.ofMinutes(10);
    /**
     * How long a cancel of an answer nobody generates is remembered. Long enough for a request still
     * queued behind busy workers to be picked up; short, so a cancel cannot lie in wait for a message
     * id that does not exist yet.
     */
    static final Duration CANCEL_MEMORY = Duration.ofSeconds(30);

    private final ConcurrentHashMap<String, Answer> active = new ConcurrentHashMap<>();
    private final RecentIds finished = new RecentIds(RECENT_CAPACITY, RECENT_TTL, System::nanoTime);
    private final RecentIds cancelled = new RecentIds(RECENT_CAPACITY, CANCEL_MEMORY, System::nanoTime);

    /** Session and message ids are subject tokens, which never contain a dot: the key is unambiguous. */
    private static String key(String sessionId, String messageId) {
        return sessionId + "." + messageId;
    }

    /** Registers {@code answer}; false when this worker is already generating that message. */
    boolean register(String sessionId, String messageId, Answer answer) {
        return active.putIfAbsent(key(sessionId, messageId), answer) == null;
    }

    void finished(String sessionId, String messageId, Answer answer, boolean ended) {
        active.remove(key(sessionId, messageId), answer);
        if (ended) {
            finished.add(key(sessionId, messageId));
        }
    }

    Answer get(String sessionId, String messageId) {
        return active.get(key(sessionId, messageId));
    }

    boolean recentlyFinished(String sessionId, String messageId) {
        return finished.contains(key(sessionId, messageId));
    }

    void rememberCancel(String sessionId, String messageId) {
        cancelled.add(key(sessionId, messageId));
    }

    boolean cancelRequested(String sessionId, String messageId) {
        return cancelled.contains(key(sessionId, messageId));
    }

    int size() {
        return active.size();
    }

    List<Answer> snapshot() {
        return List.copyOf(active.values());
    }
}
