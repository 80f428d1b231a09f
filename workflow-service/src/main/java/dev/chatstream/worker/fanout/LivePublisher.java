package dev.chatstream.worker.fanout;

import dev.chatstream.wire.BatchHeader;

import java.time.Clock;
import java.util.List;

/**
 * Live delivery of one message: publishes each batch {@link LiveRelease} lets go to every current destination
 * (the pods holding the session, or the session broadcast). Runs on the message's event-loop context.
 */
final class LivePublisher {
    private final ChunkTransport transport;
    private final Destinations destinations;
    private final Clock clock;
    private final BatchHeaders headers;
    private final FanoutSpans spans;
    private final MessageInfo info;
    /** The destinations the last batch went to, and which of them take pod frames. */
    private List<String> routed;
    private boolean[] framed;

    LivePublisher(ChunkTransport transport, MessageInfo info, BatchHeaders headers, Destinations destinations,
                  Clock clock, FanoutSpans spans) {
        this.info = info;
        this.spans = spans;
        this.transport = transport;
        this.headers = headers;
        this.destinations = destinations;
        this.clock = clock;
    }

    /** Publishes a batch to every destination; {@code historyStart} > 0 says where the message's history begins. */
    void publish(List<EncodedChunk> batch, byte[] body) {
        publish(batch, body, 0);
    }

    /** The same, saying where the message's history starts ({@code historyStart} > 0) or not (0). */
    void publish(List<EncodedChunk> batch, byte[] body, long historyStart) {
        List<String> subjects = destinations.subjects();
        if (subjects != routed) {
            // The route changes about once a re-read, not per batch: which subjects take frames is decided then.
            routed = subjects;
            framed = new boolean[subjects.size()];
            for (int i = 0; i < framed.length; i++) {
                framed[i] = PodFrames.frameable(subjects.get(i), info);
            }
        }
        EncodedChunk first = batch.get(0);
        boolean isFinal = batch.get(batch.size() - 1).isFinal();
        long publishedAt = MessageInfo.epochMicros(clock.instant());
        BatchHeader header = new BatchHeader(info.sessionId(), info.messageId(), first.chunkId(), batch.size(),
                Math.max(1, info.attempt()), isFinal, publishedAt, historyStart);
        for (int i = 0; i < subjects.size(); i++) {
            // NATS headers only for a message of its own (the broadcast): a pod frame carries the batch header.
            transport.podFrames().publish(subjects.get(i), framed[i], () -> headers.of(first.chunkId(), batch.size(),
                    isFinal, publishedAt, historyStart), header, info, body);
        }
        transport.metrics().livePublished(batch.size(), subjects.size());
        spans.livePublished(subjects, first.chunkId(), batch.size());
    }
}
