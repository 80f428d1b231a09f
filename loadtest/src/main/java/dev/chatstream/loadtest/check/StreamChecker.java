package dev.chatstream.loadtest.check;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What one SSE connection received, message by message: every chunk of every message once, in
 * {@code chunk_id} order. Counts duplicates (an id seen before) and out-of-order chunks (an id
 * below the highest seen) as they happen; {@link #audit} counts lost chunks at the end.
 * Not thread-safe: used on the connection's event loop, audited after the connection closed.
 */
public final class StreamChecker {

    /** What {@link #accept} found. */
    public enum Verdict { FIRST, IN_ORDER, DUPLICATE, OUT_OF_ORDER }

    private final Map<String, Track> tracks = new HashMap<>();
    private long duplicates;
    private long outOfOrder;
    private String lastCursorMessage;
    private long lastCursorChunk = -1;
    private String lastTrackKey;
    private Track lastTrack;

    private static final class Track {
        final BitSet received = new BitSet();
        long highest = -1;
        long finalId = -1;
    }

    /** Records chunk {@code chunkId} of {@code messageId}; {@code isFinal} when it ends the message. */
    public Verdict accept(String messageId, long chunkId, boolean isFinal) {
        // The caller passes the same String for every chunk of a message: skip the map lookup then.
        Track track = messageId == lastTrackKey ? lastTrack : tracks.get(messageId);
        boolean first = track == null;
        if (first) {
            track = new Track();
            tracks.put(messageId, track);
        }
        lastTrackKey = messageId;
        lastTrack = track;
        lastCursorMessage = messageId;
        lastCursorChunk = chunkId;
        int id = (int) chunkId;
        if (track.received.get(id)) {
            duplicates++;
            return Verdict.DUPLICATE;
        }
        track.received.set(id);
        if (isFinal) {
            track.finalId = chunkId;
        }
        if (chunkId < track.highest) {
            outOfOrder++;
            return Verdict.OUT_OF_ORDER;
        }
        track.highest = chunkId;
        return first ? Verdict.FIRST : Verdict.IN_ORDER;
    }

    /** Whether the final chunk of {@code messageId} has arrived. */
    public boolean finished(String messageId) {
        Track track = tracks.get(messageId);
        return track != null && track.finalId >= 0;
    }

    /** The cursor of the last event, for {@code Last-Event-ID} on reconnect; null before any. */
    public String lastCursor() {
        return lastCursorMessage == null ? null : lastCursorMessage + ":" + lastCursorChunk;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    /** Result of {@link #audit}. */
    public record Audit(long lostChunks, long unfinishedMessages) {
    }

    /**
     * Lost chunks of {@code messageId}, which this connection should have received in full with
     * {@code expectedChunks} chunks: ids missing below the final chunk, or, when the final chunk
     * never came, every expected id not received.
     */
    public Audit audit(String messageId, int expectedChunks) {
        Track track = tracks.get(messageId);
        if (track == null) {
            return new Audit(expectedChunks, 1);
        }
        if (track.finalId >= 0) {
            long missing = track.finalId + 1 - track.received.cardinality();
            return new Audit(Math.max(0, missing), 0);
        }
        long upTo = Math.max(expectedChunks, track.highest + 1);
        return new Audit(Math.max(0, upTo - track.received.cardinality()), 1);
    }
}
