package dev.chatstream.pod.nats;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.resume.HistorySource;
import dev.chatstream.pod.routing.ChunkFrames;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.MessageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a session's {@code chat.history.{sid}} from {@code CHAT_HISTORY} with an ordered consumer, from
 * the first stored batch to the last one present when the replay starts. Workers publish a batch live right
 * behind its history write, so everything a client missed before it reconnected is in that range or is
 * being stored (the subscriber asks again then); what comes later arrives live and is held and merged by
 * the subscriber. Blocking: call it off the event loop. Bounded in time.
 */
public final class HistoryReplayer implements HistorySource {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryReplayer.class);
    private static final int NO_MESSAGE_FOUND = 10037;

    private final PodNats nats;
    private final PodMetrics metrics;

    public HistoryReplayer(PodNats nats, PodMetrics metrics) {
        this.nats = nats;
        this.metrics = metrics;
    }

    @Override
    public int replay(String sessionId, String messageId, Consumer<ChunkFrames> each, BooleanSupplier stop,
                      Duration timeout) throws Exception {
        if (!nats.connected()) {
            throw new NatsUnavailableException("NATS is not connected");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String subject = Subjects.history(sessionId);
        long lastSequence;
        try {
            MessageInfo last = nats.management().getLastMessage(StreamDefinitions.CHAT_HISTORY, subject);
            lastSequence = last.getSeq();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND || e.getErrorCode() == 404) {
                return 0;
            }
            throw e;
        }
        PushSubscribeOptions options = PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_HISTORY)
                .ordered(true)
                .build();
        JetStreamSubscription subscription = nats.jetStream().subscribe(subject, options);
        int batches = 0;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("history replay of " + sessionId + " exceeded " + timeout);
                }
                Message message = subscription.nextMessage(Duration.ofNanos(left));
                if (message == null) {
                    throw new TimeoutException("history replay of " + sessionId + " exceeded " + timeout);
                }
                metrics.natsReceived("history");
                if (messageId == null || ofMessage(message, messageId)) {
                    try {
                        each.accept(ChunkMessages.frame(message));
                        batches++;
                    } catch (IllegalArgumentException e) {
                        LOG.atWarn().addKeyValue("session_id", sessionId).log("skipping malformed history batch: " + e.getMessage());
                    }
                }
                if (message.metaData().streamSequence() >= lastSequence || stop.getAsBoolean()) {
                    return batches;
                }
            }
        } finally {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException e) {
                LOG.atDebug().setCause(e).log("unsubscribe of history replay failed");
            }
        }
    }

    private static boolean ofMessage(Message message, String messageId) {
        return message.getHeaders() != null && messageId.equals(message.getHeaders().getFirst(ChunkHeaders.MESSAGE_ID));
    }
}
