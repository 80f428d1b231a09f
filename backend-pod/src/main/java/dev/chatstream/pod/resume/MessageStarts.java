package dev.chatstream.pod.resume;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where recent messages' history begins, per session: the {@code CHAT_HISTORY} sequence of a message's first
 * stored batch, learned from live batches (their {@code Chat-History-Start} header) and from replays (a batch
 * holding chunk 0, or the header again). A replay for a cursor or a repair of a known message starts there
 * instead of at the session's first batch. Bounded: {@link #PER_SESSION} messages per session, the oldest
 * forgotten first, and {@link #MAX_SESSIONS} sessions, past which it starts over (a forgotten start costs a
 * replay by time or from the first batch, never a chunk). Any thread.
 */
final class MessageStarts {
    static final int PER_SESSION = 16;
    static final int MAX_SESSIONS = 100_000;

    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    /** Records that {@code messageId}'s history begins at {@code sequence} (ignored when not positive). */
    void learn(String sessionId, String messageId, long sequence) {
        if (sequence <= 0) {
            return;
        }
        Session session = sessions.get(sessionId);
        if (session == null) {
            if (sessions.size() >= MAX_SESSIONS) {
                sessions.clear();
            }
            session = sessions.computeIfAbsent(sessionId, id -> new Session());
        }
        session.learn(messageId, sequence);
    }

    /** The sequence where {@code messageId}'s history begins, or 0 when not known here. */
    long of(String sessionId, String messageId) {
        Session session = sessions.get(sessionId);
        return session == null ? 0 : session.of(messageId);
    }

    /** A small ring of the session's latest messages; a message learned again keeps the lowest sequence. */
    private static final class Session {
        private final String[] messages = new String[PER_SESSION];
        private final long[] sequences = new long[PER_SESSION];
        private int next;

        synchronized void learn(String messageId, long sequence) {
            for (int i = 0; i < PER_SESSION; i++) {
                if (messageId.equals(messages[i])) {
                    sequences[i] = Math.min(sequences[i], sequence);
                    return;
                }
            }
            messages[next] = messageId;
            sequences[next] = sequence;
            next = (next + 1) % PER_SESSION;
        }

        synchronized long of(String messageId) {
            for (int i = 0; i < PER_SESSION; i++) {
                if (messageId.equals(messages[i])) {
                    return sequences[i];
                }
            }
            return 0;
        }
    }
}
