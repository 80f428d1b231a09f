package dev.chatstream.worker.fanout;

import dev.chatstream.subjects.Subjects;

import java.time.Instant;
import java.util.Objects;

/** The identity every batch of one answer carries in its headers. */
public record MessageInfo(String sessionId, String messageId, int attempt, String correlationId, String traceparent) {

    public MessageInfo {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(messageId, "messageId");
    }

    String historySubject() {
        return Subjects.history(sessionId);
    }

    static long epochMicros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
