package dev.chatstream.worker.registry;

import io.vertx.core.Future;

import java.util.List;

/** Which pods hold SSE connections of a session right now. */
public interface SessionRegistry {

    /** The live pod ids of {@code sessionId}; fails when the registry cannot answer (the caller broadcasts). */
    Future<List<String>> podsOf(String sessionId);

    /** Whether lookups are currently answered (false while the circuit breaker is open). */
    boolean available();

    /** A registry that names no pod: every answer is broadcast ({@code REDIS_ENABLED=false}). */
    SessionRegistry NONE = new SessionRegistry() {
        @Override
        public Future<List<String>> podsOf(String sessionId) {
            return Future.succeededFuture(List.of());
        }

        @Override
        public boolean available() {
            return false;
        }
    };
}
