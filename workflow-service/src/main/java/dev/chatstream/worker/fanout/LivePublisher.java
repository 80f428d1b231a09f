package dev.chatstream.worker.fanout;

import dev.chatstream.wire.BatchHeader;
import io.nats.client.impl.Headers;

import java.time.Clock;
import java.util.List;

/**
 * Live delivery of one message: publishes each batch, right behind its history write (or, after a
 * history failure, once history acknowledged it), to every current destination (the pods holding the
 * session, or the session broadcast). Grouping comes from the history pipeline: chunks that arrive
 * while a history write is in flight go out together.
 * Runs on the message's event-loop context.
 */
final class LivePublisher {
    private final ChunkTransport transport;
    private final Destinations destinations;
    private final Clock clock;
    private final BatchHeaders headers;
    private final FanoutSpans spans;
    private final MessageInfo info;

    LivePublisher(ChunkTransport transport, MessageInfo info, BatchHeaders headers, Destinations destinations,
                  Clock clock, FanoutSpans spans) {
        this.info = info;
        this.spans = spans;
        this.transport = transport;
        this.headers = headers;
        this.destinations = destinations;
        this.clock = clock;
    }

    /** Publishes a batch (its history body, byte for byte) to every destination, with fresh headers. */
    void publish(List<EncodedChunk> batch, byte[] body) {
        publish(batch, body, 0);
    }

    /** The same, saying where the message's history starts ({@code historyStart} > 0) or not (0). */
    void publish(List<EncodedChunk> batch, byte[] body, long historyStart) {
        EncodedChunk first = batch.get(0);
        boolean isFinal = batch.get(batch.size() - 1).isFinal();
        publish(batch, body, headers.of(first.chunkId(), batch.size(), isFinal, MessageInfo.epochMicros(clock.instant()),
                historyStart), historyStart);
    }

    /**
     * Publishes a batch with the headers its history write carries (they leave together); {@code historyStart}
     * is the one they say, for pod frames, which carry no batch headers.
     */
    void publish(List<EncodedChunk> batch, byte[] body, Headers batchHeaders, long historyStart) {
        List<String> subjects = destinations.subjects();
        EncodedChunk first = batch.get(0);
        BatchHeader header = new BatchHeader(info.sessionId(), info.messageId(), first.chunkId(), batch.size(),
                Math.max(1, info.attempt()), batch.get(batch.size() - 1).isFinal(),
                MessageInfo.epochMicros(clock.instant()), historyStart);
        for (String subject : subjects) {
            transport.podFrames().publish(subject, batchHeaders, header, info, body);
        }
        transport.metrics().livePublished(batch.size(), subjects.size());
        spans.livePublished(subjects, batch.get(0).chunkId(), batch.size());
    }
}
