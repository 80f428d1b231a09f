package dev.chatstream.worker.fanout;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ResponseChunk;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;

/**
 * Fan-out of one message (answer): every chunk goes live to the message's current
 * {@link Destinations} and into {@code chat.history.{sid}}, as batches with the same body and headers
 * (docs/architecture.md "Chunk batches"). Call only on the message's event-loop context, chunks in
 * {@code chunk_id} order.
 */
public final class MessageFanout {
    private final MessageCodec codec;
    private final LiveBatcher live;
    private final HistoryBatcher history;

    private MessageFanout(MessageCodec codec, LiveBatcher live, HistoryBatcher history) {
        this.codec = codec;
        this.live = live;
        this.history = history;
    }

    /** A fan-out for one message, bound to {@code context}. */
    public static MessageFanout open(Vertx vertx, Context context, ChunkTransport transport, MessageCodec codec,
                                     MessageInfo info, Destinations destinations, Clock clock) {
        return new MessageFanout(codec,
                new LiveBatcher(vertx, transport, info, destinations, clock),
                new HistoryBatcher(vertx, context, transport, info, clock));
    }

    /** Publishes {@code chunk} live (at once or grouped under load) and queues it for history. */
    public void publish(ResponseChunk chunk) {
        EncodedChunk encoded = new EncodedChunk(chunk.chunkId(), codec.encode(chunk), chunk.isFinal());
        live.add(encoded);
        history.add(encoded);
    }

    /**
     * Completes once the final chunk is recorded in history (with everything before it); fails with
     * {@link HistoryWriteException} when a history write failed for good.
     */
    public Future<Void> finalRecorded() {
        return history.finalRecorded();
    }

    /**
     * Sends what is still waiting live and records in history every chunk published so far, so the
     * worker that takes the request over continues the chunk ids right after them.
     */
    public Future<Void> flushForHandOver() {
        live.flush();
        return history.drain();
    }

    /** Sends what is still waiting live and stops the history timers (the answer is abandoned). */
    public void abandon() {
        live.flush();
        history.close();
    }
}
