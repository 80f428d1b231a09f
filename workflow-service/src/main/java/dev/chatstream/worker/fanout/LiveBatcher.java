package dev.chatstream.worker.fanout;

import dev.chatstream.wire.ChunkBatch;
import io.nats.client.impl.Headers;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Live delivery of one message, adaptive: a chunk is published at once when nothing waits for this
 * message and the connection is not backed up; under load, chunks collect for one millisecond and go
 * out as one batch per destination. Runs on the message's event-loop context.
 */
final class LiveBatcher {
    private static final long GROUPING_DELAY_MS = 1;

    private final Vertx vertx;
    private final ChunkTransport transport;
    private final MessageInfo info;
    private final Destinations destinations;
    private final Clock clock;
    private final List<EncodedChunk> pending = new ArrayList<>();
    private int pendingBytes;
    private boolean scheduled;

    LiveBatcher(Vertx vertx, ChunkTransport transport, MessageInfo info, Destinations destinations, Clock clock) {
        this.vertx = vertx;
        this.transport = transport;
        this.info = info;
        this.destinations = destinations;
        this.clock = clock;
    }

    void add(EncodedChunk chunk) {
        pending.add(chunk);
        pendingBytes += chunk.json().length + 1;
        if (scheduled) {
            if (chunk.isFinal() || pendingBytes >= transport.settings().historyFlushBytes()) {
                flush();
            }
            return;
        }
        if (chunk.isFinal() || !transport.underLoad()) {
            flush();
        } else {
            scheduled = true;
            vertx.setTimer(GROUPING_DELAY_MS, id -> flush());
        }
    }

    void flush() {
        scheduled = false;
        if (pending.isEmpty()) {
            return;
        }
        List<String> subjects = destinations.subjects();
        for (List<EncodedChunk> batch : Batches.split(pending, transport.settings().historyFlushBytes())) {
            EncodedChunk first = batch.get(0);
            boolean isFinal = batch.get(batch.size() - 1).isFinal();
            Headers headers = info.headers(first.chunkId(), batch.size(), isFinal, MessageInfo.epochMicros(clock.instant()));
            byte[] body = ChunkBatch.join(batch.stream().map(EncodedChunk::json).toList());
            for (String subject : subjects) {
                transport.publishLive(subject, headers, body);
            }
            transport.metrics().livePublished(batch.size(), subjects.size());
        }
        pending.clear();
        pendingBytes = 0;
    }
}
