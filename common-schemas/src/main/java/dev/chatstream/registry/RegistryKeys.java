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
 */
public final class RegistryKeys {
    /** How long a registry entry lives without refresh. */
    public static final long DEFAULT_ENTRY_TTL_MS = 15_000;
    /** How often pods refresh their entries. */
    public static final long DEFAULT_REFRESH_INTERVAL_MS = 5_000;

    private RegistryKeys() {
    }

    /** {@code chat:session:{sid}:pods}. */
    public static String sessionPods(String sessionId) {
        return "chat:session:" + SubjectToken.require(sessionId, "session id") + ":pods";
    }
}
