package dev.chatstream.worker.fanout;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ResponseChunk;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.util.List;

/**
 * Fan-out of one message (answer): every chunk is recorded in {@code chat.history.{sid}} and published
 * live to the message's current {@link Destinations}, as batches with the same body
 * (docs/architecture.md "Chunk batches").
 *
 * <p>History and live leave together: a batch goes live right after its history write is queued on
 * the same NATS connection, so the server receives the history copy first and the live path does not
 * wait for the JetStream acknowledgement. A client resuming on any pod therefore finds in history
 * every chunk it can have seen (pods wait briefly for a write still being stored), and a redelivered
 * request continues chunk ids after everything recorded. Once a write of the message fails, live
 * waits for acknowledgements again ({@link HistoryBatcher}). One history write is in flight per
 * message; chunks arriving during it are grouped into the next batch, so the history rate follows the
 * round trip, not the chunk rate. Call only on the message's event-loop context, chunks in
 * {@code chunk_id} order.
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

    /** Records {@code chunk} in history and publishes it live (at once, or grouped while a write is in flight). */
    public void publish(ResponseChunk chunk) {
        history.add(new EncodedChunk(chunk.chunkId(), codec.encode(chunk), chunk.isFinal()));
    }

    /**
     * This attempt continues an earlier one: its first batch (the {@code restart} notice) goes live only once
     * history acknowledged it as new, so a restart that collides with an older attempt's late batch is never
     * seen. Call before the first {@link #publish}.
     */
    public void restarting() {
        history.holdLiveUntilFirstAck();
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
