package dev.chatstream.worker.registry;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/** Which pods hold SSE connections of a session right now. */
public interface SessionRegistry {

    /** The live pod ids of {@code sessionId}; fails when the registry cannot answer (the caller broadcasts). */
    Future<List<String>> podsOf(String sessionId);

    /**
     * The live pod ids of each of {@code sessionIds}, in order, in one go where the registry can (one round trip
     * for the re-reads of every answer on an event loop, {@link RouteRereads}); fails as a whole. By default one
     * lookup each.
     */
    default Future<List<List<String>>> podsOf(List<String> sessionIds) {
        List<Future<List<String>>> lookups = new ArrayList<>(sessionIds.size());
        for (String sessionId : sessionIds) {
            lookups.add(podsOf(sessionId));
        }
        return Future.all(lookups).map(all -> {
            List<List<String>> pods = new ArrayList<>(lookups.size());
            for (Future<List<String>> lookup : lookups) {
                pods.add(lookup.result());
            }
            return pods;
        });
    }

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
