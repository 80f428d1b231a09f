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
 * wrote: history holds every chunk a client can have missed (workers publish live only what history
 * acknowledged), so the hole is filled from there. Everything but the constructor runs on the sink's
 * thread.
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
    private boolean cursorFound;
    private boolean replayDone;
    private boolean pumping;
    private boolean closed;
    private long lastWriteNanos = System.nanoTime();

    /**
     * @param cursor    where to resume, or null for a live-only stream
     * @param gapNotice the {@code history_gap} event to send when the cursor is not in history
     */
    Subscriber(String sessionId, SseSink sink, PodMetrics metrics, Cursor cursor, Buffer gapNotice, GapRepair repair) {
        this.repair = repair;
        this.sessionId = sessionId;
        this.sink = sink;
        this.metrics = metrics;
        this.cursor = cursor;
        this.gapNotice = gapNotice;
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

    /** Whether history is still being written. */
    public boolean replaying() {
        return held != null;
    }

    void deliverLive(ChunkFrames batch) {
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
        write(batch, true);
    }

    /** Holds live batches from {@code firstHeld} on and asks for history after {@code from}. */
    private void startRepair(Cursor from, ChunkFrames firstHeld) {
        metrics.gapRepaired();
        cursor = from;
        gapNotice = null;
        cursorFound = false;
        replayDone = false;
        history = new ArrayDeque<>();
        held = new ArrayDeque<>();
        held.add(firstHeld);
        repair.replay(this);
    }

    /** A batch read from history, in stream order. Batches up to and including the cursor are skipped. */
    public void deliverHistory(ChunkFrames batch) {
        if (closed || history == null || replayDone) {
            return;
        }
        if (!cursorFound) {
            if (!batch.messageId().equals(cursor.messageId())) {
                return;
            }
            cursorFound = true;
            if (batch.firstChunkId() > cursor.chunkId() + 1) {
                // History no longer holds the chunks right after the cursor (limits): say so first.
                if (gapNotice != null) {
                    history.add(gapNotice);
                }
            } else if (!tracker.knows(cursor.messageId())) {
                tracker.seed(cursor.messageId(), cursor.chunkId(), batch.attempt());
            }
        }
        history.add(batch);
        pump();
    }

    /**
     * The replay is over (or failed): a cursor never found gets the gap notice, then held live
     * batches follow.
     */
    public void endReplay() {
        if (closed || history == null || replayDone) {
            return;
        }
        replayDone = true;
        if (!cursorFound && gapNotice != null) {
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
                Object next = history.poll();
                if (next == null && replayDone) {
                    next = held.poll();
                }
                if (next == null) {
                    if (replayDone) {
                        history = null;
                        held = null;
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
        int from = tracker.accept(batch.messageId(), batch.firstChunkId(), batch.count(), batch.attempt());
        if (from > 0) {
            metrics.dropped(PodMetrics.DROP_DUPLICATE, Math.min(from, batch.count()));
        }
        if (from >= batch.count()) {
            return;
        }
        sink.write(batch.from(from));
        lastWriteNanos = System.nanoTime();
        metrics.delivered(batch.count() - from);
        if (live) {
            metrics.deliveryLatency(batch.publishedAtMicros());
        }
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

    public boolean isClosed() {
        return closed;
    }
}
