package dev.chatstream.worker.fanout;

import dev.chatstream.subjects.Subjects;

import java.time.Instant;
import java.util.Objects;

/**
 * The identity every batch of one answer carries in its headers; {@code requestedAtMicros} is when the pod
 * took the POST (epoch microseconds, 0 when unknown); {@code historyStart} is the {@code CHAT_HISTORY} sequence
 * of the message's first stored batch when an earlier attempt stored it (0: this attempt's first write will be
 * it; -1: stored, but where it begins is unknown, so batches do not say).
 */
public record MessageInfo(String sessionId, String messageId, int attempt, String correlationId, String traceparent,
                          long requestedAtMicros, long historyStart) {

    public MessageInfo {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(messageId, "messageId");
    }

    public MessageInfo(String sessionId, String messageId, int attempt, String correlationId, String traceparent) {
        this(sessionId, messageId, attempt, correlationId, traceparent, 0, 0);
    }

    /** This identity with the instant the pod took the request's POST. */
    public MessageInfo withRequestedAt(Instant requestedAt) {
        return new MessageInfo(sessionId, messageId, attempt, correlationId, traceparent,
                requestedAt == null ? 0 : epochMicros(requestedAt), historyStart);
    }

    /** This identity with where the message's history begins (see the record's description). */
    public MessageInfo withHistoryStart(long sequence) {
        return new MessageInfo(sessionId, messageId, attempt, correlationId, traceparent, requestedAtMicros, sequence);
    }

    String historySubject() {
        return Subjects.history(sessionId);
    }

    static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
