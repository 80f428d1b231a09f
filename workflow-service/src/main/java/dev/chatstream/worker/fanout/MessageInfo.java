package dev.chatstream.worker.fanout;

import dev.chatstream.subjects.Subjects;

import java.time.Instant;
import java.util.Objects;

/**
 * The identity every batch of one answer carries in its headers; {@code requestedAtMicros} is when the pod
 * took the POST (epoch microseconds, 0 when unknown).
 */
public record MessageInfo(String sessionId, String messageId, int attempt, String correlationId, String traceparent,
                          long requestedAtMicros) {

    public MessageInfo {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(messageId, "messageId");
    }

    public MessageInfo(String sessionId, String messageId, int attempt, String correlationId, String traceparent) {
        this(sessionId, messageId, attempt, correlationId, traceparent, 0);
    }

    /** This identity with the instant the pod took the request's POST. */
    public MessageInfo withRequestedAt(Instant requestedAt) {
        return new MessageInfo(sessionId, messageId, attempt, correlationId, traceparent,
                requestedAt == null ? 0 : epochMicros(requestedAt));
    }

    String historySubject() {
        return Subjects.history(sessionId);
    }

    static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
