package dev.chatstream.worker.fanout;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ResponseChunk;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.List;

/**
 * Fan-out of one message (answer): every chunk is published live to the message's current
 * {@link Destinations} and recorded in {@code chat.history.{sid}}, as batches of the same format
 * (docs/architecture.md "Chunk batches").
 *
 * <p>Live does not wait for history: a chunk goes live at the end of the event-loop turn that produced it,
 * while history is written per message per window ({@code HISTORY_FLUSH_INTERVAL}), so paced tokens cost one
 * history write per window, not one per token. Live may run at most {@link dev.chatstream.wire.LiveAhead#MAX_CHUNKS}
 * chunks past what history acknowledged (pods ask history again for what it does not hold yet), and a redelivered
 * request numbers its chunks above that, so no id a client saw is reused. Once a write of the message fails, live
 * waits for acknowledgements again ({@link HistoryBatcher}). Call only on the message's event-loop context,
 * chunks in {@code chunk_id} order.
 */
public final class MessageFanout {
    private final MessageCodec codec;
    private final HistoryBatcher history;
    private final LivePublisher live;

    private MessageFanout(MessageCodec codec, HistoryBatcher history, LivePublisher live) {
        this.codec = codec;
        this.history = history;
        this.live = live;
    }

    /** A fan-out for one message, bound to {@code context}. */
    public static MessageFanout open(Vertx vertx, Context context, ChunkTransport transport, MessageCodec codec,
                                     MessageInfo info, Destinations destinations, Clock clock) {
        BatchHeaders headers = new BatchHeaders(info);
        FanoutSpans spans = FanoutSpans.of(transport.tracer(), info);
        LivePublisher live = new LivePublisher(transport, info, headers, destinations, clock, spans);
        return new MessageFanout(codec, new HistoryBatcher(vertx, context, transport, info, clock, headers, live, spans),
                live);
    }

    /** Publishes {@code chunk} live (at the end of this event-loop turn) and records it in history (per window). */
    public void publish(ResponseChunk chunk) {
        history.add(new EncodedChunk(chunk.chunkId(), codec.encode(chunk), chunk.isFinal()));
    }

    /**
     * This attempt continues an earlier one: its first batch (the {@code restart} notice) is written at
     * {@code fencePosition} (right after what history holds) and goes live only once history acknowledged it as
     * new, so a restart that collides with an older attempt's late batch is never seen. Call before the first
     * {@link #publish}.
     */
    public void restarting(long fencePosition) {
        history.holdLiveUntilFirstAck(fencePosition);
    }

    /**
     * Publishes {@code chunk} live without recording it: only for telling clients that history itself
     * cannot be written, which recorded delivery could not otherwise report.
     */
    public void publishLiveOnly(ResponseChunk chunk) {
        byte[] json = codec.encode(chunk);
        live.publish(List.of(new EncodedChunk(chunk.chunkId(), json, chunk.isFinal())), json);
    }

    /**
     * Completes once the final chunk is recorded in history (with everything before it); fails with
     * {@link HistoryWriteException} when a history write failed for good.
     */
    public Future<Void> finalRecorded() {
        return history.finalRecorded();
    }

    /**
     * Records (and so publishes live) every chunk produced so far, so the worker that takes the
     * request over continues the chunk ids right after them.
     */
    public Future<Void> flushForHandOver() {
        return history.drain();
    }

    /** Stops recording (the answer is abandoned); chunks not yet recorded are neither recorded nor sent live. */
    public void abandon() {
        history.close();
    }
}
