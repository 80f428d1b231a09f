package dev.chatstream.pod.routing;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.wire.Cursor;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * One SSE connection of a session, as the router holds it: de-duplicates and orders what reaches its
 * sink. Live mode writes each batch at once and disconnects a client whose buffer is still full (it
 * resumes from history). Resume mode first writes history after the client's cursor, respecting
 * back-pressure, while live batches are held back; then it merges them and the tracker drops what
 * history already gave. A live batch that starts after a hole (chunks lost on the way, e.g. while the
 * pod reconnected to NATS) switches the connection back to that resume mode from the last chunk it
 * wrote: history holds every chunk a client can have missed, so the hole is filled from there.
 * Workers publish a batch live right behind its history write, so history may still be storing what
 * a client saw live (a write retried through a JetStream leader election lands seconds later): a hole
 * history does not fill yet, or a resume cursor whose message history has not stored yet, is asked
 * for again with growing delays ({@link #MAX_LAG_RETRIES}) before the connection goes on without it.
 * Everything but the constructor and {@link #offer} runs on the sink's thread.
 */
public final class Subscriber {
    /** Live batches held back during a replay before the client counts as too slow. */
    static final int MAX_HELD_BATCHES = 4096;

    private final String sessionId;
    private final SseSink sink;
    private final PodMetrics metrics;
    private final DeliveryTracker tracker = new DeliveryTracker();
    private final GapRepair repair;
    private Cursor cursor;
    private Buffer gapNotice;
    /** History to write: {@link ChunkFrames}, or a raw {@link Buffer} (the gap notice). Null when live. */
    private ArrayDeque<Object> history;
    /** Live batches that arrived during the replay. Null when live. */
    private ArrayDeque<ChunkFrames> held;
    /** Live batches handed over by the NATS thread, not yet taken by this connection's thread. Guarded by this. */
    private ArrayDeque<ChunkFrames> inbox;
    /** Whether a task to take the inbox is scheduled. Guarded by this. */
    private boolean drainScheduled;
    /** While one task writes several batches: their bytes, written at once. */
    private Buffer coalesced;
    private boolean cursorFound;
    /** Resume: history has reached past the cursor (what follows is new to the client). */
    private boolean cursorPassed;
    /** Resume: the attempt of the last history batch of the cursor's message seen so far. */
    private int cursorAttempt;
    /** Replays of the current hole or resume repeated because history lagged behind live. */
    private int lagRetries;
    /** How often a hole or resume cursor history does not have yet is asked for again (~12 s in all). */
    static final int MAX_LAG_RETRIES = 8;
    static final long FIRST_LAG_DELAY_MS = 50;
    /** Retries for a cursor whose message history does not know, when nothing of it arrives live. */
    static final int UNKNOWN_CURSOR_RETRIES = 2;
    /** True while filling a hole of {@link #cursor}'s message only (not a client's resume of the whole session). */
    private boolean repairing;
    private long liveWrites;
    private int tailChecks;
    /** Tail checks without live progress before the connection stops looking (about 30 s). */
    static final int MAX_TAIL_CHECKS = 20;
    private long liveWritesAtLastCheck;
    private boolean replayDone;
    /** Whether the last replay read history to its end (a failed one is not retried for lag). */
    private boolean replayComplete;
    private boolean pumping;
    /** Written on the connection's thread, read by replays on other threads. */
    private volatile boolean closed;
    /**
     * The client's own cursor, null for a live-only stream; {@link #cursor} moves with repairs. Every chunk
     * after it is owed, so a message first seen mid-way is repaired from its start.
     */
    private final Cursor resumeFrom;
    /** Whether a tail watch is scheduled; a second one (e.g. a NATS reconnect during a watch) is not started. */
    private boolean tailWatched;
    private long lastWriteNanos = System.nanoTime();

    /**
     * @param cursor    where to resume, or null for a live-only stream
     * @param gapNotice the {@code history_gap} event to send when the cursor is not in history
     * @param repair    fills holes in the live stream from history
     */
    Subscriber(String sessionId, SseSink sink, PodMetrics metrics, Cursor cursor, Buffer gapNotice, GapRepair repair) {
        this.repair = repair;
        this.sessionId = sessionId;
        this.sink = sink;
        this.metrics = metrics;
        this.cursor = cursor;
        this.gapNotice = gapNotice;
        this.resumeFrom = cursor;
        if (cursor != null) {
            history = new ArrayDeque<>();
            held = new ArrayDeque<>();
        }
    }

    public String sessionId() {
        return sessionId;
    }

    public SseSink sink() {
        return sink;
    }

    /**
     * The message a replay for this connection needs, or null for the whole session: a repair concerns one
     * message (the others went out live already), a client's resume everything after its cursor.
     */
    public String replayScope() {
        return repairing ? cursor.messageId() : null;
    }

    /** {@link System#nanoTime} of the last write; for keep-alives. */
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** Writes bytes outside the chunk flow (keep-alive comment). */
    public void writeRaw(Buffer bytes) {
        if (!closed) {
            sink.write(bytes);
            lastWriteNanos = System.nanoTime();
        }
    }

    /**
     * Any thread: queues a live batch for this connection. One task on the connection's thread takes every
     * batch queued by the time it runs, so under load several batches leave in one write (one flush), while
     * a lone batch is written at once.
     */
    void offer(ChunkFrames batch) {
        boolean schedule;
        synchronized (this) {
            if (inbox == null) {
                inbox = new ArrayDeque<>(4);
            }
            inbox.add(batch);
            schedule = !drainScheduled;
            drainScheduled = true;
        }
        if (schedule) {
            sink.execute(this::takeInbox);
        }
    }

    private void takeInbox() {
        ArrayDeque<ChunkFrames> batches;
        synchronized (this) {
            batches = inbox;
            inbox = null;
            drainScheduled = false;
        }
        if (batches == null) {
            return;
        }
        if (batches.size() == 1) {
            deliverLive(batches.poll());
            return;
        }
        coalesced = Buffer.buffer();
        try {
            for (ChunkFrames batch : batches) {
                deliverLive(batch);
            }
            if (coalesced.length() > 0 && !closed) {
                sink.write(coalesced);
            }
        } finally {
            coalesced = null;
        }
    }

    private void deliverLive(ChunkFrames batch) {
        if (closed) {
            return;
        }
        if (held != null) {
            held.add(batch);
            if (held.size() > MAX_HELD_BATCHES) {
                disconnectSlow(batch.count());
            }
            return;
        }
        if (sink.writeQueueFull()) {
            disconnectSlow(batch.count());
            return;
        }
        if (tracker.gapBefore(batch.messageId(), batch.firstChunkId(), batch.attempt())) {
            startRepair(new Cursor(batch.messageId(), tracker.highest(batch.messageId())), batch);
            return;
        }
        if (unseenMidway(batch)) {
            startRepair(new Cursor(batch.messageId(), 0), batch);
            return;
        }
        write(batch, true);
    }

    /**
     * Called a while after a replay: if an answer this connection has begun is still unfinished and no
     * live batch came since the last check, its chunks are likely going to another pod (workers re-read
     * the session registry only every second or so, and a pod that just took over a resumed stream is not
     * routed to yet) — possibly its very last ones, which no later live batch would reveal as missing.
     * Then fetch the rest from history. Gives up after {@link #MAX_TAIL_CHECKS} checks without live progress.
     */
    public TailCheck checkTail() {
        if (closed || ++tailChecks > MAX_TAIL_CHECKS) {
            return TailCheck.DONE;
        }
        if (held != null) {
            return TailCheck.AGAIN;
        }
        String unfinished = tracker.unfinished();
        if (unfinished == null) {
            return TailCheck.DONE;
        }
        boolean liveSinceLastCheck = liveWrites != liveWritesAtLastCheck;
        liveWritesAtLastCheck = liveWrites;
        if (liveSinceLastCheck) {
            tailChecks = 0;
            return TailCheck.AGAIN;
        }
        startRepair(new Cursor(unfinished, tracker.highest(unfinished)), null);
        return TailCheck.REPAIRING;
    }

    /** What {@link #checkTail} found. */
    public enum TailCheck {
        /** Nothing unfinished (or the connection is gone): stop watching. */
        DONE,
        /** Check again later. */
        AGAIN,
        /** A repair started; its end starts the next watch. */
        REPAIRING
    }

    /** Holds live batches from {@code firstHeld} on and asks for history after {@code from}. */
    private void startRepair(Cursor from, ChunkFrames firstHeld) {
        metrics.gapRepaired();
        lagRetries = 0;
        replayAgain(from, firstHeld, true, 0);
    }

    /** (Re)starts a replay from {@code from}, {@code delayMs} from now, holding live batches meanwhile. */
    private void replayAgain(Cursor from, ChunkFrames firstHeld, boolean asRepair, long delayMs) {
        ArrayDeque<ChunkFrames> waiting = held != null ? held : new ArrayDeque<>();
        if (firstHeld != null) {
            waiting.addFirst(firstHeld);
        }
        cursor = from;
        repairing = asRepair;
        if (asRepair) {
            gapNotice = null;
        }
        cursorFound = false;
        cursorPassed = false;
        replayDone = false;
        history = new ArrayDeque<>();
        held = waiting;
        if (delayMs == 0) {
            repair.replay(this);
        } else {
            repair.replayAfter(this, delayMs);
        }
    }

    /** The delay before the next replay of a hole or cursor history has not stored yet. */
    private long nextLagDelay() {
        return FIRST_LAG_DELAY_MS << lagRetries++;
    }

    /**
     * A batch read from history, in stream order. On a resume, batches up to and including the cursor
     * are skipped (chunk ids grow across attempts in history, so this holds whichever attempt the
     * client saw); on a repair, the tracker decides what is new.
     */
    public void deliverHistory(ChunkFrames batch) {
        if (closed || history == null || replayDone) {
            return;
        }
        boolean ofCursor = batch.messageId().equals(cursor.messageId());
        if (repairing && !ofCursor) {
            // A hole concerns one message: other messages' history went out live already.
            return;
        }
        if (!cursorFound) {
            if (!ofCursor) {
                return;
            }
            cursorFound = true;
            if (repairing) {
                cursorPassed = true;
            } else if (batch.firstChunkId() > cursor.chunkId() + 1) {
                // History no longer holds the chunks right after the cursor (limits): say so first.
                if (gapNotice != null) {
                    history.add(gapNotice);
                }
                cursorPassed = true;
            }
        }
        if (ofCursor && !cursorPassed) {
            cursorAttempt = batch.attempt();
            if (batch.firstChunkId() + batch.count() - 1 <= cursor.chunkId()) {
                return;
            }
            cursorPassed = true;
            tracker.seed(cursor.messageId(), cursor.chunkId(), batch.attempt());
        }
        history.add(batch);
        pump();
    }

    /**
     * The replay is over: a cursor never found, or a replay that did not complete (timeout, NATS error),
     * gets the gap notice; then held live batches follow.
     */
    public void endReplay(boolean complete) {
        if (closed || history == null || replayDone) {
            return;
        }
        if (complete && !repairing && !cursorFound && lagRetries < MAX_LAG_RETRIES
                && (lagRetries < UNKNOWN_CURSOR_RETRIES || holdsLiveOf(cursor.messageId()))) {
            // The cursor's message may be live and not stored yet: look again before calling it a gap.
            replayAgain(cursor, null, false, nextLagDelay());
            return;
        }
        replayDone = true;
        replayComplete = complete;
        if (complete && !repairing && cursorFound && !cursorPassed) {
            // History ends at (or, still storing, before) the cursor: everything after it is new.
            tracker.seed(cursor.messageId(), cursor.chunkId(), cursorAttempt);
            cursorPassed = true;
        }
        if ((!cursorFound || !complete) && gapNotice != null) {
            history.add(gapNotice);
        }
        pump();
    }

    private void pump() {
        if (pumping || closed || history == null) {
            return;
        }
        pumping = true;
        try {
            while (!sink.writeQueueFull()) {
                if (closed || history == null) {
                    return;
                }
                Object next = history.poll();
                if (next == null && replayDone) {
                    next = held.poll();
                    if (next instanceof ChunkFrames live && missingBefore(live)) {
                        Cursor from = new Cursor(live.messageId(), Math.max(0, tracker.highest(live.messageId())));
                        if (!live.messageId().equals(cursor.messageId())) {
                            // A held batch of another message starts after a hole of its own: fill that too.
                            startRepair(from, live);
                            continue; // goes on at once if the repair already ended, else waits for it
                        }
                        if (replayComplete && lagRetries < MAX_LAG_RETRIES) {
                            // The replay did not fill this message's hole: history may still be storing it.
                            replayAgain(from, live, true, nextLagDelay());
                            continue;
                        }
                        // History never got these chunks: go on with the hole.
                    }
                }
                if (next == null) {
                    if (replayDone) {
                        history = null;
                        held = null;
                        repairing = false;
                        lagRetries = 0;
                    }
                    return;
                }
                if (next instanceof ChunkFrames batch) {
                    write(batch, false);
                } else {
                    writeRaw((Buffer) next);
                }
            }
            sink.onDrain(this::pump);
        } finally {
            pumping = false;
        }
    }

    private void write(ChunkFrames batch, boolean live) {
        int from = tracker.accept(batch.messageId(), batch.firstChunkId(), batch.count(), batch.attempt(),
                batch.endsMessage());
        if (from > 0) {
            metrics.dropped(PodMetrics.DROP_DUPLICATE, Math.min(from, batch.count()));
        }
        if (from >= batch.count()) {
            return;
        }
        if (coalesced != null) {
            coalesced.appendBuffer(batch.from(from));
        } else {
            sink.write(batch.from(from));
        }
        lastWriteNanos = System.nanoTime();
        metrics.delivered(batch.count() - from);
        if (live) {
            liveWrites++;
            metrics.deliveryLatency(batch.publishedAtMicros());
        }
    }

    /**
     * Whether chunks before a held live batch are missing: a hole after what was written, or the start of
     * the message this repair is for when history gave none of it (still storing it).
     */
    private boolean missingBefore(ChunkFrames live) {
        return tracker.gapBefore(live.messageId(), live.firstChunkId(), live.attempt()) || unseenMidway(live);
    }

    /**
     * A message this connection has not seen at all, first seen past its chunk 0, whose start is owed to
     * the client and is in history: a restart whose old attempt a killed worker never published live, or,
     * on a stream that was resumed or already delivering when the message began (a session's answers
     * follow one another), chunks lost on the way (a NATS reconnect). A fresh live-only stream that joins
     * an answer mid-way starts where it joined; the resume cursor's own message starts after the cursor.
     */
    private boolean unseenMidway(ChunkFrames batch) {
        return batch.firstChunkId() > 0 && !tracker.knows(batch.messageId())
                && (batch.attempt() > 1 || resumeFrom != null || liveWrites > 0)
                && (resumeFrom == null || !resumeFrom.messageId().equals(batch.messageId()));
    }

    private boolean holdsLiveOf(String messageId) {
        for (ChunkFrames batch : held) {
            if (batch.messageId().equals(messageId)) {
                return true;
            }
        }
        return false;
    }

    private void disconnectSlow(int chunks) {
        metrics.dropped(PodMetrics.DROP_SLOW_CLIENT, chunks);
        if (!closed) {
            closed = true;
            history = null;
            held = null;
            sink.abort();
        }
    }

    /** Writes {@code lastBytes} and closes the stream; the transport then detaches it from the router. */
    public void close(Buffer lastBytes) {
        if (closed) {
            return;
        }
        closed = true;
        history = null;
        held = null;
        sink.close(lastBytes);
    }

    /**
     * The client is gone (the transport saw the stream close): stops every replay, retry and tail check of
     * this connection. Idempotent.
     */
    public void release() {
        closed = true;
        history = null;
        held = null;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Marks a tail watch as started; false when one is already running. The watch calls
     * {@link #tailWatchEnded} when {@link #checkTail} stops it.
     */
    public boolean startTailWatch() {
        if (tailWatched || closed) {
            return false;
        }
        tailWatched = true;
        liveWritesAtLastCheck = liveWrites;
        return true;
    }

    /** Gives the tail checks their full budget again: something (a NATS reconnect) may have lost chunks anew. */
    public void renewTailChecks() {
        tailChecks = 0;
    }

    public void tailWatchEnded() {
        tailWatched = false;
    }
}
