package dev.chatstream.wire;

import io.nats.client.impl.Headers;

/**
 * The header contract of a chunk batch on {@code chat.pod.{podId}.response},
 * {@code chat.session.{sid}.broadcast} and {@code chat.history.{sid}}: who it belongs to and which chunks it
 * holds, so a pod routes, de-duplicates and frames it without decoding chunk JSON. Written by workers with
 * {@link #toHeaders()}, read by pods and workers with {@link #from(Headers)}; the names are in
 * {@link ChunkHeaders}. On {@code chat.pod.{podId}.response} a worker may instead send several batches in one
 * {@link PodFrame} (header {@link ChunkHeaders#FRAME}), each segment carrying these same fields in its line.
 *
 * @param attempt           the delivery attempt of the request that produced the batch (1 when absent)
 * @param publishedAtMicros when the worker published it, epoch microseconds; 0 when absent or unreadable
 * @param historyStart      the {@code CHAT_HISTORY} stream sequence of the message's first stored batch
 *                          ({@link ChunkHeaders#HISTORY_START}); 0 when absent or unreadable
 */
public record BatchHeader(String sessionId, String messageId, long firstChunkId, int count, int attempt,
                          boolean endsMessage, long publishedAtMicros, long historyStart) {

    public BatchHeader {
        if (sessionId == null || sessionId.isEmpty()) {
            throw new IllegalArgumentException("chunk batch without " + ChunkHeaders.SESSION_ID);
        }
        if (messageId == null || messageId.isEmpty()) {
            throw new IllegalArgumentException("chunk batch without " + ChunkHeaders.MESSAGE_ID);
        }
        if (firstChunkId < 0) {
            throw new IllegalArgumentException(ChunkHeaders.FIRST_CHUNK_ID + " must be >= 0, was " + firstChunkId);
        }
        if (attempt < 1) {
            throw new IllegalArgumentException(ChunkHeaders.ATTEMPT + " must be >= 1, was " + attempt);
        }
        if (historyStart < 0) {
            throw new IllegalArgumentException(ChunkHeaders.HISTORY_START + " must be >= 0, was " + historyStart);
        }
    }

    /** A header that does not say where the message's history starts. */
    public BatchHeader(String sessionId, String messageId, long firstChunkId, int count, int attempt,
                       boolean endsMessage, long publishedAtMicros) {
        this(sessionId, messageId, firstChunkId, count, attempt, endsMessage, publishedAtMicros, 0);
    }

    /** The session of a batch, or null when the header is missing (read without parsing the rest). */
    public static String sessionIdOf(Headers headers) {
        return headers == null ? null : headers.getFirst(ChunkHeaders.SESSION_ID);
    }

    /** The message of a batch, or null when the header is missing. */
    public static String messageIdOf(Headers headers) {
        return headers == null ? null : headers.getFirst(ChunkHeaders.MESSAGE_ID);
    }

    /**
     * Reads a batch's headers; throws {@link IllegalArgumentException} naming the header that is missing or
     * bad. {@link ChunkHeaders#CHUNK_COUNT} may be absent (0: the body says), as may attempt, publish time and
     * history start.
     */
    public static BatchHeader from(Headers headers) {
        if (headers == null) {
            throw new IllegalArgumentException("chunk batch without headers");
        }
        String count = headers.getFirst(ChunkHeaders.CHUNK_COUNT);
        String attempt = headers.getFirst(ChunkHeaders.ATTEMPT);
        return new BatchHeader(headers.getFirst(ChunkHeaders.SESSION_ID), headers.getFirst(ChunkHeaders.MESSAGE_ID),
                number(headers, ChunkHeaders.FIRST_CHUNK_ID),
                count == null ? 0 : (int) number(headers, ChunkHeaders.CHUNK_COUNT),
                attempt == null ? 1 : (int) number(headers, ChunkHeaders.ATTEMPT),
                "true".equals(headers.getFirst(ChunkHeaders.FINAL)),
                orZero(headers.getFirst(ChunkHeaders.PUBLISHED_AT)),
                Math.max(0, orZero(headers.getFirst(ChunkHeaders.HISTORY_START))));
    }

    /** The headers of this batch (without correlation and trace context, which callers add). */
    public Headers toHeaders() {
        Headers headers = new Headers()
                .put(ChunkHeaders.SESSION_ID, sessionId)
                .put(ChunkHeaders.MESSAGE_ID, messageId)
                .put(ChunkHeaders.FIRST_CHUNK_ID, Long.toString(firstChunkId))
                .put(ChunkHeaders.CHUNK_COUNT, Integer.toString(count))
                .put(ChunkHeaders.ATTEMPT, Integer.toString(attempt));
        if (publishedAtMicros > 0) {
            headers.put(ChunkHeaders.PUBLISHED_AT, Long.toString(publishedAtMicros));
        }
        if (endsMessage) {
            headers.put(ChunkHeaders.FINAL, "true");
        }
        if (historyStart > 0) {
            headers.put(ChunkHeaders.HISTORY_START, Long.toString(historyStart));
        }
        return headers;
    }

    /** The {@code Nats-Msg-Id} of this batch's history write. */
    public String historyMsgId() {
        return historyMsgId(messageId, firstChunkId);
    }

    /**
     * The {@code Nats-Msg-Id} of a history write: {@code <message_id>:<first_chunk_id>}, the position and not
     * the attempt. A retried write of the same batch is stored once, and a batch of another attempt written from
     * a position already stored is refused as a duplicate (the writer then checks whose it was): history ids
     * only grow across attempts (fencing, docs/reliability.md).
     */
    public static String historyMsgId(String messageId, long firstChunkId) {
        return messageId + ':' + firstChunkId;
    }

    private static long number(Headers headers, String name) {
        String value = headers.getFirst(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("chunk batch without " + name);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("chunk batch header " + name + " is not a number: " + value);
        }
    }

    private static long orZero(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
