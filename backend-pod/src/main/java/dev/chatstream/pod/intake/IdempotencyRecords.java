package dev.chatstream.pod.intake;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the pods remember of each {@code Idempotency-Key} POST, in the KV bucket {@code chat_idempotency}
 * (kept {@code IDEMPOTENCY_TTL}, default 24 h — far past JetStream's 2-minute dedup window), under the key
 * (= the message id): who used it ({@link MessageIds#scope}: user and session), the body's hash, and once
 * JetStream acknowledged it, the correlation id of the 202. A retry of an accepted POST gets the same 202
 * without a second publish; the same key with another body, or from another user or session, is refused.
 * The first use is an atomic create-if-absent, so of two racing first uses one wins.
 */
public final class IdempotencyRecords {
    private static final int KEY_EXISTS = 10071;

    /** What a POST with a key is, judged by the record. */
    public sealed interface Verdict {
        /** First time, or a retry of a POST that was never acknowledged: publish (JetStream dedups). */
        record Publish() implements Verdict {
        }

        /** Already accepted: answer the same 202 again. */
        record Accepted(String correlationId) implements Verdict {
        }

        /** The key was used with another body, or by another user or in another session. */
        record Reused() implements Verdict {
        }
    }

    private final KeyValue bucket;
    private final Vertx vertx;

    public IdempotencyRecords(KeyValue bucket, Vertx vertx) {
        this.bucket = bucket;
        this.vertx = vertx;
    }

    /** Records scope and body hash for {@code messageId} unless a record exists, and judges the POST. */
    public Future<Verdict> begin(String messageId, String scope, String bodyHash) {
        return vertx.executeBlocking(() -> beginBlocking(messageId, scope, bodyHash), false);
    }

    /** Marks {@code messageId} accepted with its correlation id; best effort (a failure means a later re-publish, deduplicated within the window). */
    public Future<Void> accepted(String messageId, String scope, String bodyHash, String correlationId) {
        byte[] value = new JsonObject().put("scope", scope).put("body_sha256", bodyHash).put("correlation_id", correlationId)
                .toBuffer().getBytes();
        return vertx.executeBlocking(() -> {
            bucket.put(messageId, value);
            return null;
        }, false);
    }

    private Verdict beginBlocking(String messageId, String scope, String bodyHash) throws IOException, JetStreamApiException {
        byte[] pending = new JsonObject().put("scope", scope).put("body_sha256", bodyHash).toBuffer().getBytes();
        try {
            bucket.create(messageId, pending);
            return new Verdict.Publish();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != KEY_EXISTS) {
                throw e;
            }
        }
        KeyValueEntry entry = bucket.get(messageId);
        if (entry == null || entry.getValue() == null) {
            return new Verdict.Publish();
        }
        JsonObject record = new JsonObject(new String(entry.getValue(), StandardCharsets.UTF_8));
        if (!scope.equals(record.getString("scope")) || !bodyHash.equals(record.getString("body_sha256"))) {
            return new Verdict.Reused();
        }
        String correlationId = record.getString("correlation_id");
        return correlationId == null ? new Verdict.Publish() : new Verdict.Accepted(correlationId);
    }
}
