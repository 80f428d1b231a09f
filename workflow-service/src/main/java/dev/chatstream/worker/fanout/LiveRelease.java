package dev.chatstream.worker.fanout;

import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.LiveAhead;
import io.vertx.core.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * When one message's chunks go live. A chunk leaves at the end of the event-loop turn that produced it (the
 * chunks of one turn, e.g. a provider's burst, as one batch), without waiting for its history write, while it
 * is at most {@link LiveAhead#MAX_CHUNKS} past the last chunk history acknowledged; past that it waits for the
 * next acknowledgement. Nothing goes live before this attempt's first history write is on the connection
 * (one NATS connection delivers in order, so the server gets that write first): a worker that dies after
 * showing chunks has left some of them in history, and its redelivery numbers its chunks above them
 * ({@link LiveAhead#restartChunkId}) instead of starting again at chunk 0 without a restart notice. After a
 * history write failed, live waits for acknowledgements (history first), and a restarted attempt shows nothing
 * until history took its {@code restart} notice as new. Runs on the message's event-loop context.
 */
final class LiveRelease {
    private static final long UNSET = Long.MIN_VALUE;

    private final Context context;
    private final LivePublisher live;
    private final List<EncodedChunk> waiting = new ArrayList<>();
    /** The highest chunk id history acknowledged; before any, the one before this attempt's first chunk. */
    private long acknowledged = UNSET;
    private boolean aheadAllowed = true;
    private boolean heldForFirstAck;
    private boolean heldForFirstWrite = true;
    private boolean scheduled;
    private boolean closed;
    private long historyStart;

    LiveRelease(Context context, LivePublisher live, long historyStart) {
        this.context = context;
        this.live = live;
        this.historyStart = historyStart;
    }

    /** Nothing goes live until history acknowledged the first write (a restart notice). */
    void holdUntilFirstAck() {
        heldForFirstAck = true;
    }

    /** This attempt's first history write is queued on the connection: live may follow it. */
    void historySent() {
        if (heldForFirstWrite) {
            heldForFirstWrite = false;
            release();
        }
    }

    void offer(EncodedChunk chunk) {
        if (closed) {
            return;
        }
        if (acknowledged == UNSET) {
            acknowledged = chunk.chunkId() - 1;
        }
        waiting.add(chunk);
        if (!scheduled) {
            scheduled = true;
            context.runOnContext(v -> {
                scheduled = false;
                release();
            });
        }
    }

    /** History holds every chunk up to {@code lastChunkId}; {@code start} is where the message's history begins. */
    void acknowledged(long lastChunkId, long start) {
        acknowledged = Math.max(acknowledged, lastChunkId);
        historyStart = start;
        heldForFirstAck = false;
        release();
    }

    /** A history write failed: from now on live waits for history. */
    void historyFailed() {
        aheadAllowed = false;
    }

    /** Whether live waits for each acknowledgement (a history write failed): history must not wait for a window. */
    boolean waitsForHistory() {
        return !aheadAllowed;
    }

    /** Nothing more goes live (the answer was abandoned, or its history failed for good). */
    void close() {
        closed = true;
        waiting.clear();
    }

    private void release() {
        if (closed || heldForFirstWrite || heldForFirstAck || waiting.isEmpty()) {
            return;
        }
        long limit = aheadAllowed ? acknowledged + LiveAhead.MAX_CHUNKS : acknowledged;
        int count = 0;
        while (count < waiting.size() && waiting.get(count).chunkId() <= limit) {
            count++;
        }
        if (count == 0) {
            return;
        }
        List<EncodedChunk> batch = new ArrayList<>(waiting.subList(0, count));
        waiting.subList(0, count).clear();
        List<byte[]> json = new ArrayList<>(count);
        for (EncodedChunk chunk : batch) {
            json.add(chunk.json());
        }
        live.publish(batch, ChunkBatch.join(json), historyStart);
    }
}
