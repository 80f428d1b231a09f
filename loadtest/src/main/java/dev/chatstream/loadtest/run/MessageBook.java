package dev.chatstream.loadtest.run;

import dev.chatstream.loadtest.metrics.RunMetrics;
import dev.chatstream.loadtest.sse.ChunkListener;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every message the run posted: its session, when the POST was sent, whether it was accepted and
 * how many connections have its final chunk. Registered before the POST leaves, so a first chunk
 * that beats the 202 still finds its send time (TTFT).
 */
final class MessageBook implements ChunkListener {
    private final ConcurrentHashMap<String, Posted> messages = new ConcurrentHashMap<>();
    private final RunMetrics metrics;

    /** One posted message. */
    static final class Posted {
        final String messageId;
        final String sessionId;
        final long sentNanos;
        final AtomicInteger finals = new AtomicInteger();
        volatile boolean accepted;

        Posted(String messageId, String sessionId, long sentNanos) {
            this.messageId = messageId;
            this.sessionId = sessionId;
            this.sentNanos = sentNanos;
        }
    }

    MessageBook(RunMetrics metrics) {
        this.metrics = metrics;
    }

    Posted register(String messageId, String sessionId, long sentNanos) {
        Posted posted = new Posted(messageId, sessionId, sentNanos);
        messages.put(messageId, posted);
        return posted;
    }

    /** The server chose another id than our Idempotency-Key: track the message under that id too. */
    void alias(String serverId, Posted posted) {
        messages.put(serverId, new Posted(serverId, posted.sessionId, posted.sentNanos));
        messages.get(serverId).accepted = true;
    }

    Collection<Posted> all() {
        return messages.values();
    }

    /** Whether every accepted message has its final chunk on {@code connectionsPerSession} connections. */
    boolean allFinished(int connectionsPerSession) {
        for (Posted posted : messages.values()) {
            if (posted.accepted && posted.finals.get() < connectionsPerSession) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void firstChunk(String messageId, long nanoTime) {
        Posted posted = messages.get(messageId);
        if (posted == null) {
            metrics.error("chunk_of_unknown_message");
            return;
        }
        metrics.recordTtft(nanoTime - posted.sentNanos);
    }

    @Override
    public void finalChunk(String messageId, long nanoTime) {
        Posted posted = messages.get(messageId);
        if (posted != null) {
            posted.finals.incrementAndGet();
        }
    }
}
