package dev.chatstream.pod.nats;

import dev.chatstream.pod.resume.StreamingAnswer;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;

/**
 * The pod's {@link StreamingAnswer}: the last message of {@code chat.history.{sid}} (one direct read of the
 * stream, no consumer) and its batch header. An answer that has not stored its first batch yet is not seen.
 */
public final class HistoryTail implements StreamingAnswer {
    /** JetStream's error code for "no message found". */
    private static final int NO_MESSAGE = 10037;
    private final PodNats nats;

    public HistoryTail(PodNats nats) {
        this.nats = nats;
    }

    @Override
    public String of(String sessionId) throws Exception {
        if (!nats.connected()) {
            throw new NatsUnavailableException("NATS is not connected");
        }
        MessageInfo last;
        try {
            last = nats.management().getLastMessage(StreamDefinitions.CHAT_HISTORY, Subjects.history(sessionId));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE || e.getErrorCode() == 404) {
                return null;
            }
            throw e;
        }
        BatchHeader header = BatchHeader.from(last.getHeaders());
        return header.endsMessage() ? null : header.messageId();
    }
}
