package dev.chatstream.streams;

import dev.chatstream.subjects.Subjects;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageInfo;

import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.TimeoutException;

/**
 * Reads one session's {@code chat.history.{sid}} in {@code CHAT_HISTORY} from a {@link ScanStart} (its first
 * stored batch, a stream sequence or a time) to the last one present when the scan starts, with an ordered
 * consumer: the one history-scan algorithm, used by pods (replay on resume and repair) and workers (how far a
 * redelivered answer got). The visitor sees each message with its headers and decides what to decode.
 * Blocking: call it off any event loop.
 */
public final class HistoryScan {
    /** JetStream's "no message found": the subject holds nothing. */
    static final int NO_MESSAGE_FOUND = 10037;

    private HistoryScan() {
    }

    /** Sees each stored batch in stream order; returns false to end the scan there. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(Message message);
    }

    /**
     * Scans {@code sessionId}'s history; returns how many messages were read (0 when there is none). Throws
     * {@link TimeoutException} past {@code timeout}, or the NATS error.
     */
    public static long scan(JetStream jetStream, JetStreamManagement management, String sessionId, Duration timeout,
                            Visitor visitor)
            throws IOException, JetStreamApiException, InterruptedException, TimeoutException {
        return scan(jetStream, management, sessionId, ScanStart.FIRST, timeout, visitor);
    }

    /**
     * Scans {@code sessionId}'s history from {@code from} on; returns how many messages were read (0 when nothing
     * is stored there or after it).
     */
    public static long scan(JetStream jetStream, JetStreamManagement management, String sessionId, ScanStart from,
                            Duration timeout, Visitor visitor)
            throws IOException, JetStreamApiException, InterruptedException, TimeoutException {
        return scan(jetStream, management, StreamDefinitions.CHAT_HISTORY, Subjects.history(sessionId), from, timeout,
                visitor);
    }

    /**
     * The same scan over any one subject of a limits stream (e.g. a session's {@code chat.conversation.{sid}} in
     * {@code CHAT_CONVERSATIONS}).
     */
    public static long scan(JetStream jetStream, JetStreamManagement management, String stream, String subject,
                            Duration timeout, Visitor visitor)
            throws IOException, JetStreamApiException, InterruptedException, TimeoutException {
        return scan(jetStream, management, stream, subject, ScanStart.FIRST, timeout, visitor);
    }

    /** The same scan over any one subject of a limits stream, from {@code from} on. */
    public static long scan(JetStream jetStream, JetStreamManagement management, String stream, String subject,
                            ScanStart from, Duration timeout, Visitor visitor)
            throws IOException, JetStreamApiException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastSequence;
        try {
            MessageInfo last = management.getLastMessage(stream, subject);
            lastSequence = last.getSeq();
            // Nothing stored from the start on: the consumer would only wait for new messages.
            if (from.sequence() > lastSequence
                    || from.isTime() && last.getTime() != null && last.getTime().toInstant().isBefore(from.notBefore())) {
                return 0;
            }
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND || e.getErrorCode() == 404) {
                return 0;
            }
            throw e;
        }
        JetStreamSubscription subscription = jetStream.subscribe(subject, PushSubscribeOptions.builder()
                .stream(stream).ordered(true).configuration(startingAt(from)).build());
        long read = 0;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Message message = left > 0 ? subscription.nextMessage(Duration.ofNanos(left)) : null;
                if (message == null) {
                    throw new TimeoutException("history scan of " + subject + " exceeded " + timeout
                            + " before sequence " + lastSequence);
                }
                read++;
                if (!visitor.visit(message) || message.metaData().streamSequence() >= lastSequence) {
                    return read;
                }
            }
        } finally {
            try {
                subscription.unsubscribe();
            } catch (RuntimeException e) {
                // The connection went away: the server drops the ordered consumer with it.
            }
        }
    }

    private static ConsumerConfiguration startingAt(ScanStart from) {
        ConsumerConfiguration.Builder config = ConsumerConfiguration.builder();
        if (from.isSequence()) {
            config.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(from.sequence());
        } else if (from.isTime()) {
            config.deliverPolicy(DeliverPolicy.ByStartTime).startTime(from.notBefore().atZone(ZoneOffset.UTC));
        } else {
            config.deliverPolicy(DeliverPolicy.All);
        }
        return config.build();
    }
}
