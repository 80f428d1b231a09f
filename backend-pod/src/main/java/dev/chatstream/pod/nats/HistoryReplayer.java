package dev.chatstream.pod.nats;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.resume.HistorySource;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.streams.HistoryScan;
import dev.chatstream.wire.BatchHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;



/**
 * The pod's {@link HistorySource}: a session's {@code chat.history.{sid}} through {@link HistoryScan}, from
 * the first stored batch to the last one present when the replay starts. Workers publish a batch live right
 * behind its history write, so everything a client missed before it reconnected is in that range or is
 * being stored (the subscriber asks again then); what comes later arrives live and is held and merged by
 * the subscriber. Blocking: call it off the event loop. Bounded in time.
 */
public final class HistoryReplayer implements HistorySource {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryReplayer.class);

    private final PodNats nats;
    private final PodMetrics metrics;

    public HistoryReplayer(PodNats nats, PodMetrics metrics) {
        this.nats = nats;
        this.metrics = metrics;
    }

    @Override
    public int replay(String sessionId, String messageId, Consumer<Batch> each, BooleanSupplier stop,
                      Duration timeout) throws Exception {
        if (!nats.connected()) {
            throw new NatsUnavailableException("NATS is not connected");
        }
        int[] batches = new int[1];
        HistoryScan.scan(nats.jetStream(), nats.management(), sessionId, timeout, message -> {
            metrics.natsReceived("history");
            // Filtered by header before anything is framed: a repair needs one message of the session.
            if (messageId == null || messageId.equals(BatchHeader.messageIdOf(message.getHeaders()))) {
                try {
                    each.accept(ChunkMessages.batch(message));
                    batches[0]++;
                } catch (IllegalArgumentException e) {
                    LOG.atWarn().addKeyValue("session_id", sessionId).log("skipping malformed history batch: " + e.getMessage());
                }
            }
            return !stop.getAsBoolean();
        });
        return batches[0];
    }
}
