package dev.chatstream.worker.fanout;

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
    private final MessageInfo info;
    private final Destinations destinations;
    private final Clock clock;

    LivePublisher(ChunkTransport transport, MessageInfo info, Destinations destinations, Clock clock) {
        this.transport = transport;
        this.info = info;
        this.destinations = destinations;
        this.clock = clock;
    }

    /** Publishes a batch (its history body, byte for byte) to every destination. */
    void publish(List<EncodedChunk> batch, byte[] body) {
        EncodedChunk first = batch.get(0);
        boolean isFinal = batch.get(batch.size() - 1).isFinal();
        Headers headers = info.headers(first.chunkId(), batch.size(), isFinal, MessageInfo.epochMicros(clock.instant()));
        List<String> subjects = destinations.subjects();
        for (String subject : subjects) {
            transport.publishLive(subject, headers, body);
        }
        transport.metrics().livePublished(batch.size(), subjects.size());
    }
}
