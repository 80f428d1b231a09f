package dev.chatstream.pod.ownership;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Who owns each session, in the JetStream KV bucket {@code chat_sessions} that every pod sees and that
 * survives pod and Redis restarts. The first user to ask claims the session with an atomic
 * create-if-absent; everyone after reads that owner. An owner never changes, so this pod caches it.
 */
public final class SessionOwners {
    /** Bounds the cache; past it the cache starts over (owners are re-read once, never lost). */
    static final int MAX_CACHED = 200_000;
    /** JetStream's "wrong last sequence": the key already exists. */
    private static final int KEY_EXISTS = 10071;

    private final KeyValue bucket;
    private final Vertx vertx;
    private final BooleanSupplier connected;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    /** {@code connected}: whether NATS is reachable now; while it is not, uncached claims fail at once. */
    public SessionOwners(KeyValue bucket, Vertx vertx, BooleanSupplier connected) {
        this.bucket = bucket;
        this.vertx = vertx;
        this.connected = connected;
    }

    /**
     * The owner of {@code sessionId}, claiming it for {@code userId} when it has none. Fails when the bucket
     * cannot be reached (the caller answers 503: ownership is never skipped).
     */
    public Future<String> claim(String sessionId, String userId) {
        String known = cache.get(sessionId);
        if (known != null) {
            return Future.succeededFuture(known);
        }
        if (!connected.getAsBoolean()) {
            return Future.failedFuture(new IllegalStateException("NATS is not connected"));
        }
        // The KV API blocks: off the event loop, unordered so one slow call does not queue the others.
        return vertx.executeBlocking(() -> claimBlocking(sessionId, userId), false)
                .onSuccess(owner -> remember(sessionId, owner));
    }

    /** The owner when this pod knows it already; null otherwise. */
    public String cached(String sessionId) {
        return cache.get(sessionId);
    }

    private String claimBlocking(String sessionId, String userId) throws IOException, JetStreamApiException {
        KeyValueEntry entry = bucket.get(sessionId);
        if (entry != null && entry.getValue() != null) {
            return new String(entry.getValue(), StandardCharsets.UTF_8);
        }
        try {
            bucket.create(sessionId, userId.getBytes(StandardCharsets.UTF_8));
            return userId;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != KEY_EXISTS) {
                throw e;
            }
            // Another user claimed it between our read and our create: theirs it is.
            KeyValueEntry winner = bucket.get(sessionId);
            if (winner == null || winner.getValue() == null) {
                throw e;
            }
            return new String(winner.getValue(), StandardCharsets.UTF_8);
        }
    }

    private void remember(String sessionId, String owner) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(sessionId, owner);
    }
}
