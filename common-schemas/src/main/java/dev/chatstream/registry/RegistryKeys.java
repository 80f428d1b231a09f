package dev.chatstream.registry;

import dev.chatstream.subjects.SubjectToken;

/**
 * The Redis layout of the session registry, shared by the pods that write it and the workers that
 * read it.
 *
 * <p>Per session one sorted set {@code chat:session:{sid}:pods}: member = pod id, score = the epoch
 * millisecond at which the entry expires. Pods refresh the scores of all their open sessions in one
 * pipelined round trip per interval (and set the key's TTL to the same expiry so abandoned keys
 * vanish); readers take members whose score is in the future, so a dead pod stops being routed to
 * within {@link #DEFAULT_ENTRY_TTL_MS} even though its member is still present.
 *
 * <p>Per user one sorted set {@code chat:user:{userId}:answers} (the active-answer ledger): member =
 * message id of an accepted answer that has not ended, score = the epoch millisecond after which it no
 * longer counts (accept time + {@link dev.chatstream.config.AnswerLimits#maxDuration()} + slack). The pod
 * admits a POST only while the user has fewer live members than its cap (one atomic script: drop expired
 * members, count, add); the worker removes the member when the answer ends (final chunk published,
 * dead-lettered or given up). A crashed worker's member expires by its score.
 */
public final class RegistryKeys {
    /** How long a registry entry lives without refresh. */
    public static final long DEFAULT_ENTRY_TTL_MS = 15_000;
    /** How often pods refresh their entries. */
    public static final long DEFAULT_REFRESH_INTERVAL_MS = 5_000;

    private RegistryKeys() {
    }

    /** {@code chat:user:{userId}:answers}: the user's answers generating now. Any user id; never a subject. */
    public static String activeAnswers(String userId) {
        if (userId == null || userId.isEmpty()) {
            throw new IllegalArgumentException("user id must not be empty");
        }
        return "chat:user:" + userId + ":answers";
    }

    /**
     * {@code chat:user:{userId}:rate}: the user's message token bucket (hash: {@code tokens}, {@code at} = epoch
     * ms of the last take), updated by the same admission script as {@link #activeAnswers}. Pods only.
     */
    public static String messageRate(String userId) {
        if (userId == null || userId.isEmpty()) {
            throw new IllegalArgumentException("user id must not be empty");
        }
        return "chat:user:" + userId + ":rate";
    }

    /** {@code chat:session:{sid}:pods}. */
    public static String sessionPods(String sessionId) {
        return "chat:session:" + SubjectToken.require(sessionId, "session id") + ":pods";
    }
}
