package dev.chatstream.worker.consumer;

import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;

import java.io.IOException;
import java.time.Duration;

/**
 * "This message was answered" markers in the {@code chat_answered} bucket, one per message id, written
 * before the request is acknowledged and checked on every delivery. {@code WORKFLOW_REQUESTS}
 * de-duplicates a re-published {@code Idempotency-Key} only within its duplicate window; the marker
 * keeps the promise for {@code ANSWERED_TTL} (24 h). Blocking: call from a worker thread.
 */
final class AnsweredMarkers {
    private static final byte[] MARK = {'1'};
    private final KeyValue bucket;

    private AnsweredMarkers(KeyValue bucket) {
        this.bucket = bucket;
    }

    /** Creates the bucket when missing (or updates its TTL) and opens it. */
    static AnsweredMarkers open(Connection connection, StreamSettings streams, Duration ttl)
            throws IOException, JetStreamApiException {
        KeyValueManagement management = connection.keyValueManagement();
        var config = StreamDefinitions.answeredMarkers(streams, ttl);
        if (management.getBucketNames().contains(StreamDefinitions.ANSWERED)) {
            management.update(config);
        } else {
            management.create(config);
        }
        return new AnsweredMarkers(connection.keyValue(StreamDefinitions.ANSWERED));
    }

    boolean answered(String messageId) throws IOException, JetStreamApiException {
        return bucket.get(messageId) != null;
    }

    void mark(String messageId) throws IOException, JetStreamApiException {
        bucket.put(messageId, MARK);
    }
}
