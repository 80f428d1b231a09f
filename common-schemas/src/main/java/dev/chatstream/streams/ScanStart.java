package dev.chatstream.streams;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a {@link HistoryScan} begins: at the subject's first stored message ({@link #FIRST}), at a stream
 * sequence, or at the first message stored at or after a time. A scan that starts near the message it needs
 * reads that message and what follows, not the whole session; a start too late misses the message, so callers
 * start at a sequence they were told (the {@code Chat-History-Start} header) or a time with
 * {@link #CLOCK_MARGIN} taken off.
 *
 * @param sequence  the stream sequence to start at; 0 when the start is not a sequence
 * @param notBefore the time to start at (JetStream compares it with the server's store time); null when not a time
 */
public record ScanStart(long sequence, Instant notBefore) {
    /** The subject's first stored message: the full scan. */
    public static final ScanStart FIRST = new ScanStart(0, null);
    /**
     * Taken off a message's accept time before a scan by time: stored messages carry the NATS server's clock,
     * the accept time another server's or a pod's, and they may disagree (clock skew, a KV record written after
     * the request's acknowledgement). Generous, since a start too late costs a second, full scan on the pod and
     * a wrong restart point in a worker; a start too early costs only the session's batches of that span.
     */
    public static final Duration CLOCK_MARGIN = Duration.ofSeconds(30);

    public ScanStart {
        if (sequence < 0) {
            throw new IllegalArgumentException("scan start sequence must be >= 0, was " + sequence);
        }
        if (sequence > 0 && notBefore != null) {
            throw new IllegalArgumentException("a scan starts at a sequence or at a time, not both");
        }
    }

    /** At stream sequence {@code sequence}; {@link #FIRST} when it is not positive (unknown). */
    public static ScanStart atSequence(long sequence) {
        return sequence > 0 ? new ScanStart(sequence, null) : FIRST;
    }

    /** At the first message stored at or after {@code time}; {@link #FIRST} when null. */
    public static ScanStart notBefore(Instant time) {
        return time == null ? FIRST : new ScanStart(0, time);
    }

    /** {@code margin} before {@code acceptedAt}, when a message was accepted; {@link #FIRST} when unknown. */
    public static ScanStart before(Instant acceptedAt, Duration margin) {
        return acceptedAt == null ? FIRST : notBefore(acceptedAt.minus(margin));
    }

    public boolean isFirst() {
        return sequence == 0 && notBefore == null;
    }

    public boolean isSequence() {
        return sequence > 0;
    }

    public boolean isTime() {
        return notBefore != null;
    }

    /**
     * A start that covers both this and {@code other} (a scan from it reads everything either would): the lower
     * sequence or the earlier time; {@link #FIRST} when one is a sequence and the other a time.
     */
    public ScanStart earliest(ScanStart other) {
        if (isFirst() || other.isFirst()) {
            return FIRST;
        }
        if (isSequence() && other.isSequence()) {
            return sequence <= other.sequence ? this : other;
        }
        if (isTime() && other.isTime()) {
            return notBefore.isAfter(other.notBefore) ? other : this;
        }
        return FIRST;
    }

    @Override
    public String toString() {
        return isFirst() ? "first" : isSequence() ? "sequence " + sequence : "time " + notBefore;
    }
}
