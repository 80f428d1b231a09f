package dev.chatstream.pod.routing;

import dev.chatstream.wire.ChunkBatch;

/**
 * A chunk batch as NATS hands it over: which chunks of which message, and the body (one chunk JSON per
 * line), in no wire format yet. A connection asks for it encoded in its client's flavour; the encoding is
 * made once and shared by every connection of that flavour (all connections of a session see the same
 * batch object). Immutable but for that cache.
 */
public final class Batch {
    private final String sessionId;
    private final String messageId;
    private final long firstChunkId;
    private final int count;
    private final int attempt;
    private final long publishedAtMicros;
    private final boolean endsMessage;
    private final long historyStart;
    private final byte[] body;
    /** The last encoding made, and by which encoder; a second flavour on the same batch just re-encodes. */
    private volatile EncodedBatch encoded;

    public Batch(String sessionId, String messageId, long firstChunkId, int attempt, long publishedAtMicros,
                 byte[] body, boolean endsMessage) {
        this(sessionId, messageId, firstChunkId, attempt, publishedAtMicros, body, endsMessage, 0);
    }

    /** With {@code historyStart}: the history stream sequence of its message's first stored batch, 0 when unknown. */
    public Batch(String sessionId, String messageId, long firstChunkId, int attempt, long publishedAtMicros,
                 byte[] body, boolean endsMessage, long historyStart) {
        this.historyStart = historyStart;
        this.sessionId = sessionId;
        this.messageId = messageId;
        this.firstChunkId = firstChunkId;
        this.attempt = attempt;
        this.publishedAtMicros = publishedAtMicros;
        this.body = body;
        this.endsMessage = endsMessage;
        this.count = ChunkBatch.forEach(body, (index, bytes, offset, length) -> { });
    }

    public String sessionId() {
        return sessionId;
    }

    public String messageId() {
        return messageId;
    }

    public long firstChunkId() {
        return firstChunkId;
    }

    /** How many chunks the body holds (0 for an empty, malformed batch). */
    public int count() {
        return count;
    }

    public int attempt() {
        return attempt;
    }

    public long publishedAtMicros() {
        return publishedAtMicros;
    }

    public boolean endsMessage() {
        return endsMessage;
    }

    /** Where its message's history begins (a stream sequence), so a replay of it can start there; 0 when unknown. */
    public long historyStart() {
        return historyStart;
    }

    /** The body: chunk JSON documents separated by {@code \n} (see {@link ChunkBatch}). Do not modify. */
    public byte[] body() {
        return body;
    }

    /** This batch in {@code encoder}'s wire flavour, encoded once per flavour and shared. */
    public EncodedBatch encodedWith(BatchEncoder encoder) {
        EncodedBatch current = encoded;
        if (current != null && current.encoder() == encoder) {
            return current;
        }
        EncodedBatch fresh = encoder.encode(this);
        encoded = fresh;
        return fresh;
    }
}
