package dev.chatstream.pod.registry;

import io.vertx.core.Future;

import java.util.Set;

/**
 * Records in a shared store which sessions this pod holds, so workers publish a session's chunks only to
 * the pods that hold it. Failures never reach the caller: they are logged, counted, and repaired by the
 * next refresh.
 */
public interface SessionRegistry {

    /** The first local connection of {@code sessionId} opened. */
    void sessionOpened(String sessionId);

    /** The last local connection of {@code sessionId} closed. */
    void sessionClosed(String sessionId);

    /** Starts refreshing every held session periodically. */
    void start();

    /** Removes every entry of this pod (shutdown) and stops refreshing. */
    Future<Void> removeAll(Set<String> sessionIds);

    /** Whether the store answered the last operation; true when the registry is disabled. */
    boolean reachable();

    /** Whether a store is used at all. */
    boolean enabled();

    /** A registry that records nothing: workers then reach this pod through the session broadcast. */
    static SessionRegistry disabled() {
        return new SessionRegistry() {
            @Override
            public void sessionOpened(String sessionId) {
            }

            @Override
            public void sessionClosed(String sessionId) {
            }

            @Override
            public void start() {
            }

            @Override
            public Future<Void> removeAll(Set<String> sessionIds) {
                return Future.succeededFuture();
            }

            @Override
            public boolean reachable() {
                return false;
            }

            @Override
            public boolean enabled() {
                return false;
            }
        };
    }
}
