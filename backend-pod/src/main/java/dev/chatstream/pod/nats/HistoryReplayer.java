package dev.chatstream.pod.nats;

import dev.chatstream.pod.intake.MessageIds;
import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.resume.HistorySource;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.streams.HistoryScan;
import dev.chatstream.streams.ScanStart;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The pod's {@link HistorySource}: a session's {@code chat.history.{sid}} through {@link HistoryScan}, from
 * the replay's start to the last stored batch present when the replay starts. Workers publish live at once
 * and record history per window (at most 64 chunks behind), so everything a client missed before it
 * reconnected is in that range or is being stored (the subscriber asks again then); what comes later arrives live and is held and merged by
 * the subscriber. A message's accept time is its {@code Idempotency-Key} record's (KV {@code chat_idempotency},
 * stamped by the server) or, for a server-made id, the time in the id. Blocking: call it off the event loop.
 * Bounded in time.
 */
public final class HistoryReplayer implements HistorySource {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryReplayer.class);

    private final PodNats nats;
    private final PodMetrics metrics;
    private volatile KeyValue idempotencyKeys;

    public HistoryReplayer(PodNats nats, PodMetrics metrics) {
        this.nats = nats;
        this.metrics = metrics;
    }

    @Override
    public int replay(String sessionId, String messageId, ScanStart from, Consumer<Batch> each, BooleanSupplier stop,
                      Duration timeout) throws Exception {
        if (!nats.connected()) {
            throw new NatsUnavailableException("NATS is not connected");
        }
        int[] batches = new int[1];
        HistoryScan.scan(nats.jetStream(), nats.management(), sessionId, from, timeout, message -> {
            metrics.natsReceived("history");
            // Filtered by header before anything is framed: a repair needs one message of the session.
            if (messageId == null || messageId.equals(BatchHeader.messageIdOf(message.getHeaders()))) {
                try {
                    each.accept(ChunkMessages.historyBatch(message));
                    batches[0]++;
                } catch (IllegalArgumentException e) {
                    LOG.atWarn().addKeyValue("session_id", sessionId).log("skipping malformed history batch: " + e.getMessage());
                }
            }
            return !stop.getAsBoolean();
        });
        return batches[0];
    }

    @Override
    public Instant acceptedAt(String messageId) throws Exception {
        if (!nats.connected()) {
            throw new NatsUnavailableException("NATS is not connected");
        }
        // The key's record first: a client's key may look like a UUIDv7 and say any time.
        KeyValue keys = idempotencyKeys;
        if (keys == null) {
            keys = nats.bucket(StreamDefinitions.IDEMPOTENCY_KEYS);
            idempotencyKeys = keys;
        }
        KeyValueEntry record = keys.get(messageId);
        if (record != null && record.getCreated() != null) {
            return record.getCreated().toInstant();
        }
        Instant inId = MessageIds.timeOf(messageId);
        // An id from the future is no server's: read from the first batch rather than past the message.
        return inId != null && inId.isBefore(Instant.now().plus(ScanStart.CLOCK_MARGIN)) ? inId : null;
    }
}
