package dev.chatstream.pod.nats;

import dev.chatstream.pod.routing.Batch;
import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.PodFrame;
import io.nats.client.Message;

/** Reads a chunk batch message (live or history) by its {@link BatchHeader}, without decoding chunk JSON. */
final class ChunkMessages {
    private ChunkMessages() {
    }

    /** The session of a batch, or null when the header is missing. */
    static String sessionId(Message message) {
        return BatchHeader.sessionIdOf(message.getHeaders());
    }

    /** Reads the batch; throws {@link IllegalArgumentException} when a header is missing or bad. */
    static Batch batch(Message message) {
        BatchHeader header = BatchHeader.from(message.getHeaders());
        return batch(message, header, header.historyStart());
    }

    /**
     * Reads a batch stored in history: its message's history starts where its header says, or here when it holds
     * chunk 0 (stored once, under its {@code Nats-Msg-Id}).
     */
    static Batch historyBatch(Message message) {
        BatchHeader header = BatchHeader.from(message.getHeaders());
        return batch(message, header,
                header.firstChunkId() == 0 ? message.metaData().streamSequence() : header.historyStart());
    }

    private static Batch batch(Message message, BatchHeader header, long historyStart) {
        byte[] body = message.getData();
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("empty chunk batch");
        }
        return new Batch(header.sessionId(), header.messageId(), header.firstChunkId(), header.attempt(),
                header.publishedAtMicros(), body, header.endsMessage(), historyStart);
    }

    /** The batch of one frame segment (its body copied out of the frame). */
    static Batch batch(PodFrame.Segment segment) {
        BatchHeader header = segment.header();
        return new Batch(header.sessionId(), header.messageId(), header.firstChunkId(), header.attempt(),
                header.publishedAtMicros(), segment.body(), header.endsMessage(), header.historyStart());
    }
}
