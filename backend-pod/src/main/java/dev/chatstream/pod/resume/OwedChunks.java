package dev.chatstream.pod.resume;

import dev.chatstream.pod.routing.Batch;
import dev.chatstream.wire.Cursor;

/** Decides whether chunks before a batch are owed to the client and missing, and where their repair starts. */
final class OwedChunks {
    private final DeliveryTracker tracker;
    /** The client's own cursor, null for a live-only stream: every chunk after it is owed. */
    private final Cursor resumeFrom;

    OwedChunks(DeliveryTracker tracker, Cursor resumeFrom) {
        this.tracker = tracker;
        this.resumeFrom = resumeFrom;
    }

    /** A hole after what was written, or the owed start of a message first seen mid-way. */
    boolean missingBefore(Batch batch, long liveWrites) {
        return tracker.gapBefore(batch.messageId(), batch.firstChunkId(), batch.attempt())
                || unseenMidway(batch, liveWrites);
    }

    /** Where a repair of {@code batch}'s message starts: after what was written, or its chunk 0. */
    Cursor repairFrom(Batch batch) {
        return new Cursor(batch.messageId(), Math.max(0, tracker.highest(batch.messageId())));
    }

    /**
     * A message this connection has not seen at all, first seen past its chunk 0, whose start is owed to
     * the client and is in history: a restart whose old attempt a killed worker never published live, or,
     * on a stream that was resumed or already delivering when the message began (a session's answers
     * follow one another), chunks lost on the way (a NATS reconnect). A fresh live-only stream that joins
     * an answer mid-way starts where it joined; the resume cursor's own message starts after the cursor.
     */
    private boolean unseenMidway(Batch batch, long liveWrites) {
        return batch.firstChunkId() > 0 && !tracker.knows(batch.messageId())
                && (batch.attempt() > 1 || resumeFrom != null || liveWrites > 0)
                && (resumeFrom == null || !resumeFrom.messageId().equals(batch.messageId()));
    }
}
