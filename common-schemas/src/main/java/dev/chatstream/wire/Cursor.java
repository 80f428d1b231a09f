package dev.chatstream.wire;

import dev.chatstream.subjects.SubjectToken;

/**
 * A position in a session's stream of chunks: the SSE {@code id:} of a chunk event and what a client
 * sends back as {@code Last-Event-ID}. Spelled {@code <message_id>:<chunk_id>}.
 */
public record Cursor(String messageId, long chunkId) {

    public Cursor {
        SubjectToken.require(messageId, "cursor message id");
        if (chunkId < 0) {
            throw new IllegalArgumentException("cursor chunk id must be >= 0, was " + chunkId);
        }
    }

    /** Parses {@code <message_id>:<chunk_id>}, or throws {@link IllegalArgumentException} saying why not. */
    public static Cursor parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("cursor is empty");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("cursor must look like <message_id>:<chunk_id>");
        }
        long chunkId;
        try {
            chunkId = Long.parseLong(text, colon + 1, text.length(), 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor chunk id is not a number");
        }
        return new Cursor(text.substring(0, colon), chunkId);
    }

    /** The text form, {@code <message_id>:<chunk_id>}. */
    public String format() {
        return format(messageId, chunkId);
    }

    public static String format(String messageId, long chunkId) {
        return messageId + ':' + chunkId;
    }

    @Override
    public String toString() {
        return format();
    }
}
