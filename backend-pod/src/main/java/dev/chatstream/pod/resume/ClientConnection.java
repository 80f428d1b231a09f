package dev.chatstream.pod.resume;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.BatchEncoder;
import dev.chatstream.pod.routing.RoutedConnection;
import dev.chatstream.pod.routing.ClientSink;
import dev.chatstream.wire.Cursor;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * One client's stream of a session, a small state machine that de-duplicates and orders what reaches its
 * sink. {@link State#LIVE} writes each batch at once and cuts off a client whose buffer is still full (it
 * resumes). {@link State#RESUMING} writes history after the client's cursor as fast as the client drains,
 * holding live batches, then merges them. {@link State#REPAIRING} does that for one message (after a hole, a
 * message first seen past chunk 0, a stalled tail); history still storing what went live is asked again with
 * growing delays. {@link State#CLOSED}: the client left. All but the constructor, {@link #offer} and
 * {@link #isClosed} run on the sink's thread.
 */
public final class ClientConnection implements RoutedConnection {
    static final int MAX_HELD_BATCHES = 4096; // held back during a replay before the client counts as too slow

    public enum State { LIVE, RESUMING, REPAIRING, CLOSED }

    private final String sessionId;
    private final ClientSink sink;
    private final PodMetrics metrics;
    private final Replayer replayer;
    private final BatchEncoder encoder;
    private final DeliveryTracker tracker = new DeliveryTracker();
    private final BatchInbox inbox;
    private final LiveStarts starts;
    final TailWatch tail = new TailWatch(); // driven by SharedReplays on the connection's thread
    private final OwedChunks owed;
    private volatile State state; // written on the connection's thread, read by replays on other threads
    private ReplayMerge merge; // the replay in progress: non-null exactly while RESUMING or REPAIRING
    private Buffer coalesced; // while one task writes several live batches: their bytes, written at once
    private boolean pumping;
    private long lastWriteNanos = System.nanoTime();

    /** With a {@code cursor} the caller starts the replay; {@code gapNotice} is sent if history lacks it. */
    public ClientConnection(String sessionId, ClientSink sink, BatchEncoder encoder, PodMetrics metrics,
                            Replayer replayer, Cursor cursor, Buffer gapNotice) {
        this.encoder = encoder;
        this.sessionId = sessionId;
        this.sink = sink;
        this.metrics = metrics;
        this.replayer = replayer;
        this.owed = new OwedChunks(tracker, cursor);
        this.inbox = new BatchInbox(sink, this::takeLive);
        this.starts = new LiveStarts(replayer);
        if (cursor != null) {
            merge = new ReplayMerge(cursor, false, gapNotice, new ArrayDeque<>());
            state = State.RESUMING;
        } else {
            state = State.LIVE;
        }
    }

    @Override public String sessionId() { return sessionId; }
    @Override public ClientSink sink() { return sink; }

    /** The message a replay needs; null for the whole session (a client's resume). */
    public String replayScope() { return state == State.REPAIRING ? merge.cursor.messageId() : null; }
    /** The replay in progress (its cursor, whether it must read from the first batch); null when none. */
    ReplayMerge replayMerge() { return merge; }

    @Override public long lastWriteNanos() { return lastWriteNanos; }
    @Override
    public void writeRaw(Buffer bytes) {
        if (state != State.CLOSED) {
            sink.write(bytes);
            lastWriteNanos = System.nanoTime();
        }
    }

    @Override public void offer(Batch batch) { starts.seen(batch); inbox.offer(batch); }
    @Override public void deliver(ArrayDeque<Batch> batches) { batches.forEach(starts::seen); inbox.takeWith(batches); }

    private void takeLive(ArrayDeque<Batch> batches) {
        if (batches.size() == 1) {
            deliverLive(batches.poll());
            return;
        }
        coalesced = Buffer.buffer();
        try {
            for (Batch batch : batches) {
                deliverLive(batch);
            }
            if (coalesced.length() > 0 && state != State.CLOSED) {
                sink.write(coalesced);
            }
        } finally {
            coalesced = null;
        }
    }

    private void deliverLive(Batch batch) {
        switch (state) {
            case CLOSED -> { }
            case RESUMING, REPAIRING -> {
                merge.held.add(batch);
                if (merge.held.size() > MAX_HELD_BATCHES) {
                    disconnectSlow(batch.count());
                }
            }
            case LIVE -> {
                if (sink.writeQueueFull()) {
                    disconnectSlow(batch.count());
                } else if (owed.missingBefore(batch, tail.liveWrites())) {
                    startRepair(owed.repairFrom(batch), batch);
                } else {
                    write(batch, true);
                }
            }
        }
    }

    /**
     * After a replay or a NATS reconnect: an unfinished answer with no live batch since the last check is
     * fetched from history (its tail went elsewhere or was lost, and no later batch would show the hole).
     */
    public TailCheck checkTail() {
        if (state == State.CLOSED || !tail.count()) {
            return TailCheck.DONE;
        }
        if (state != State.LIVE) {
            return TailCheck.AGAIN;
        }
        String unfinished = tracker.unfinished(tail.lastRepaired);
        if (unfinished == null) {
            return TailCheck.DONE;
        }
        if (tail.liveSinceLastCheck()) {
            return TailCheck.AGAIN;
        }
        tail.lastRepaired = unfinished;
        startRepair(new Cursor(unfinished, Math.max(0, tracker.highest(unfinished))), null);
        return TailCheck.REPAIRING;
    }

    /**
     * Before any batch: the client is owed {@code messageId} whole from chunk 0 (an AI SDK response carries one
     * answer from {@code start}), a live batch past chunk 0 is a hole; {@code fetchNow} reads its history at once.
     */
    public void oweWhole(String messageId, boolean fetchNow) {
        tracker.seed(messageId, -1, 1);
        if (fetchNow) {
            startRepair(new Cursor(messageId, 0), null);
        }
    }

    /** Holds live batches from {@code firstHeld} on and asks for history of {@code from}'s message. */
    private void startRepair(Cursor from, Batch firstHeld) {
        metrics.gapRepaired();
        if (merge == null) {
            merge = new ReplayMerge(from, true, null, new ArrayDeque<>());
        }
        merge.lagRetries = 0;
        replayAgain(from, firstHeld, true, 0);
    }

    /** (Re)starts a replay from {@code from}, {@code delayMs} from now, holding live batches meanwhile. */
    private void replayAgain(Cursor from, Batch firstHeld, boolean asRepair, long delayMs) {
        if (firstHeld != null) {
            merge.held.addFirst(firstHeld);
        }
        merge.restart(from, asRepair);
        state = asRepair ? State.REPAIRING : State.RESUMING;
        replayer.replay(this, delayMs);
    }

    /** A batch read from history, in stream order ({@link ReplayMerge} says what is skipped). */
    public void deliverHistory(Batch batch) {
        if (merge != null && merge.accept(batch, tracker)) {
            pump();
        }
    }

    /** The replay is over; {@code complete} when it read history to its end. Held live batches follow. */
    public void endReplay(boolean complete) {
        if (merge == null || merge.done) {
            return;
        }
        long again = merge.againIn(complete);
        if (again >= 0) {
            replayAgain(merge.cursor, null, merge.repair, again);
            return;
        }
        if (!complete && merge.repair) {
            // History unreadable for the whole retry budget: rather than step over the hole, close; the client
            // reconnects with its last chunk as cursor and its resume fills the hole or says history_gap.
            metrics.repairAbandoned();
            close(Buffer.buffer());
            return;
        }
        metrics.resumed(merge.end(complete, tracker));
        pump();
    }

    /** Writes history, then held live batches, as fast as the client drains; back to live at the end. */
    private void pump() {
        if (pumping || merge == null) {
            return;
        }
        pumping = true;
        try {
            while (!sink.writeQueueFull()) {
                if (merge == null) {
                    return;
                }
                Buffer notice = merge.takeNotice(merge.history.isEmpty());
                if (notice != null) {
                    writeRaw(notice);
                    continue;
                }
                Batch next = merge.history.poll();
                if (next == null && merge.done) {
                    next = merge.held.poll();
                    if (next != null && owed.missingBefore(next, tail.liveWrites())) {
                        Cursor from = owed.repairFrom(next);
                        if (!next.messageId().equals(merge.cursor.messageId())) {
                            // A held batch of another message starts after a hole of its own: fill that too.
                            startRepair(from, next);
                            continue; // goes on at once if the repair already ended, else waits for it
                        }
                        if (merge.mayRetryForLag()) {
                            // The replay did not fill this message's hole: history may still be storing it.
                            replayAgain(from, next, true, merge.nextLagDelay());
                            continue;
                        }
                        // History never got these chunks: go on with the hole.
                    }
                }
                if (next == null) {
                    if (merge.done) {
                        merge = null;
                        state = State.LIVE;
                    }
                    return;
                }
                write(next, false);
            }
            sink.onDrain(this::pump);
        } finally {
            pumping = false;
        }
    }

    /** The single place a chunk batch is written to the client. */
    private void write(Batch batch, boolean live) {
        int from = tracker.accept(batch.messageId(), batch.firstChunkId(), batch.count(), batch.attempt(),
                batch.endsMessage());
        if (from > 0) {
            metrics.dropped(PodMetrics.DROP_DUPLICATE, Math.min(from, batch.count()));
        }
        if (from >= batch.count()) {
            return;
        }
        if (coalesced != null) {
            coalesced.appendBuffer(batch.encodedWith(encoder).from(from));
        } else {
            sink.write(batch.encodedWith(encoder).from(from));
        }
        lastWriteNanos = System.nanoTime();
        metrics.delivered(batch.count() - from);
        if (live) {
            tail.liveWritten();
            metrics.liveWritten(batch.publishedAtMicros(), sessionId, batch.messageId(), batch.firstChunkId() + from == 0);
        }
    }

    private void disconnectSlow(int chunks) {
        metrics.dropped(PodMetrics.DROP_SLOW_CLIENT, chunks);
        if (state != State.CLOSED) {
            release();
            sink.abort();
        }
    }

    @Override
    public void close(Buffer lastBytes) {
        if (state != State.CLOSED) {
            release();
            sink.close(lastBytes);
        }
    }

    /** The client is gone: stops every replay, retry and tail check of this connection. Idempotent. */
    public void release() {
        state = State.CLOSED;
        merge = null;
    }

    @Override
    public boolean isClosed() { return state == State.CLOSED; }
}
