package dev.chatstream.loadtest.sse;

/** Told when a connection receives the first and the final chunk of a message. */
public interface ChunkListener {
    /** First chunk of {@code messageId} on one connection, at {@code nanoTime} ({@link System#nanoTime()}). */
    void firstChunk(String messageId, long nanoTime);

    /** Final chunk of {@code messageId} on one connection. */
    void finalChunk(String messageId, long nanoTime);
}
