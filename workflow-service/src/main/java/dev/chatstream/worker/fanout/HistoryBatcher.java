package dev.chatstream.worker.fanout;

import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.HistoryRetryPolicy;
import dev.chatstream.wire.LiveAhead;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Records one message's chunks in {@code CHAT_HISTORY}, per window: at most one publish is in flight per
 * message, so its batches land in order; a chunk waits at most {@code HISTORY_FLUSH_INTERVAL} (plus the round
 * trip of a write in flight) for its write, joined by every chunk of the message that comes meanwhile, up to
 * {@code HISTORY_FLUSH_BYTES} or half of {@link LiveAhead#MAX_CHUNKS} chunks. The final chunk, a restart
 * notice and a hand-over are written at once, and an attempt's first write at the end of the event-loop turn
 * that produced its first chunk, ahead of that chunk's live copy (see {@link LiveRelease}); once a write
 * failed and live waits for acknowledgements, every write starts as soon as none is in flight. Paced tokens
 * (one every 10–30 ms) therefore cost one history write per window, not one per token.
 *
 * <p>Live delivery does not wait for history: every chunk goes to {@link LiveRelease} as it comes, which lets
 * it run ahead of the last acknowledged chunk by at most {@link LiveAhead#MAX_CHUNKS} (docs/architecture.md
 * "History and live"). Once a write of this message has failed, live waits for acknowledgements. A failed
 * publish is retried with exponential backoff and jitter under the same {@code Nats-Msg-Id} (JetStream drops
 * the copy if the first try did land), each try bounded by its own timeout, for as long as
 * {@link dev.chatstream.wire.HistoryRetryPolicy#budget()} allows since the batch's first try (time, not a
 * count: tries refused at once during a leader election are repeated until the budget is spent, which is how
 * long pods wait for history); then the message fails.
 *
 * <p>A restarted attempt's first batch (its {@code restart} notice, see {@link #holdLiveUntilFirstAck}) is
 * written at the position right after what history held ({@code fencePosition}), though its chunk ids start
 * {@link LiveAhead#MAX_CHUNKS} later; it goes live only once history took it as new: when an older attempt's
 * late batch holds that position already, the restart fails with {@link HistoryConflictException} before any
 * client saw it, and the next attempt continues after that batch instead.
 *
 * <p>Fencing. The {@code Nats-Msg-Id} of a batch names the message and the batch's position (its first chunk
 * id) but not the attempt, so two attempts writing from the same position cannot both land: the later one is
 * acknowledged as a duplicate, and a duplicate that is not this attempt's own earlier try fails the
 * message with {@link HistoryConflictException} — history ids only grow. Once {@link #close()}d (the
 * attempt was abandoned or lost its lease) nothing more is written, retries included.
 * Runs on the message's event-loop context.
 */
final class HistoryBatcher {
    /** A write starts at once when this many chunks wait, so live never stalls at {@link LiveAhead#MAX_CHUNKS}. */
    static final int FLUSH_CHUNKS = LiveAhead.MAX_CHUNKS / 2;

    private final Vertx vertx;
    private final Context context;
    private final ChunkTransport transport;
    private final MessageInfo info;
    private final Clock clock;
    private final List<EncodedChunk> pending = new ArrayList<>();
    private final Promise<Void> finalRecorded = Promise.promise();
    private int pendingBytes;
    /** When the oldest pending chunk came ({@link System#nanoTime()}): it waits at most the flush interval. */
    private long pendingSince;
    private boolean inFlight;
    private boolean waitingForGate;
    /** This attempt's first write is due at the end of the current event-loop turn. */
    private boolean firstWriteDue;
    /** This attempt has sent a history write (live waits for the first one). */
    private boolean sentAny;
    private long timerId = -1;
    private long retryTimerId = -1;
    private boolean failed;
    private Promise<Void> drained;
    private final LiveRelease live;
    private final BatchHeaders headers;
    private final FanoutSpans spans;
    /** When the batch in flight was first tried ({@link System#nanoTime()}): its retries end within the budget. */
    private long inFlightSince;
    /** A restart notice not yet acknowledged as new in history: it is written at once, at this position. */
    private long fencePosition = -1;
    /**
     * The stream sequence of the message's first stored batch, carried by every later batch so pods replay
     * from there; 0 until this attempt's first write is acknowledged when no earlier attempt stored any, -1
     * when an earlier one did but where is unknown (then no batch says).
     */
    private long historyStart;

    HistoryBatcher(Vertx vertx, Context context, ChunkTransport transport, MessageInfo info, Clock clock,
                   BatchHeaders headers, LivePublisher live, FanoutSpans spans) {
        this.spans = spans;
        this.headers = headers;
        this.vertx = vertx;
        this.context = context;
        this.transport = transport;
        this.info = info;
        this.clock = clock;
        this.historyStart = info.historyStart();
        this.live = new LiveRelease(context, live, historyStart);
    }

    /**
     * The next batch starts a new attempt (a {@code restart} notice, its chunk id {@link LiveAhead#restartChunkId}
     * of what history holds): it is written at {@code fencePosition}, the position right after what history holds,
     * and it and what follows go live only once history acknowledged it as new, not as another attempt's duplicate.
     */
    void holdLiveUntilFirstAck(long fencePosition) {
        this.fencePosition = fencePosition;
        live.holdUntilFirstAck();
    }

    /** Completes when the batch holding the final chunk (and so every batch before it) is acknowledged. */
    Future<Void> finalRecorded() {
        return finalRecorded.future();
    }

    void add(EncodedChunk chunk) {
        if (failed) {
            return;
        }
        if (pending.isEmpty()) {
            pendingSince = System.nanoTime();
        }
        pending.add(chunk);
        pendingBytes += chunk.json().length + 1;
        boolean now = writeNow();
        if (!now && !sentAny) {
            // Queued before the live copy's release, so at the end of this turn it leaves first.
            writeFirstAtEndOfTurn();
        }
        live.offer(chunk);
        if (now) {
            flush();
        } else if (sentAny) {
            scheduleFlush();
        }
    }

    /** Nothing goes live before this attempt's first write, so it does not wait for the window. */
    private void writeFirstAtEndOfTurn() {
        if (firstWriteDue) {
            return;
        }
        firstWriteDue = true;
        context.runOnContext(v -> {
            firstWriteDue = false;
            flush();
        });
    }

    /** Writes what is pending now; completes when history holds every chunk added so far. */
    Future<Void> drain() {
        if (failed) {
            return Future.failedFuture("history writes failed");
        }
        if (pending.isEmpty() && !inFlight && !waitingForGate) {
            return Future.succeededFuture();
        }
        drained = Promise.promise();
        flush();
        return drained.future();
    }

    /**
     * Writes nothing more, not even a retry already scheduled; pending chunks are dropped, neither recorded nor
     * sent live (the answer was abandoned or lost its lease). A write already sent may still land.
     */
    void close() {
        failed = true;
        live.close();
        cancelTimer();
        if (retryTimerId >= 0) {
            vertx.cancelTimer(retryTimerId);
            retryTimerId = -1;
            // The retry held the gate permit and the in-flight mark of its batch.
            inFlight = false;
            transport.historyGate().release();
        }
    }

    /** Whether pending chunks are written without waiting for the window. */
    private boolean writeNow() {
        if (pending.isEmpty()) {
            return false;
        }
        // Once live waits for acknowledgements, a window would hold clients' tokens back that long too.
        return pending.get(pending.size() - 1).isFinal() || fencePosition >= 0 || drained != null
                || live.waitsForHistory()
                || pendingBytes >= transport.settings().historyFlushBytes() || pending.size() >= FLUSH_CHUNKS
                || transport.settings().historyFlushInterval().isZero();
    }

    /** Writes pending chunks when the oldest of them has waited the flush interval (unless a write is in flight). */
    private void scheduleFlush() {
        if (timerId >= 0 || inFlight || waitingForGate || pending.isEmpty()) {
            return;
        }
        long waitedMs = (System.nanoTime() - pendingSince) / 1_000_000;
        long delay = Math.max(1, transport.settings().historyFlushInterval().toMillis() - waitedMs);
        timerId = vertx.setTimer(delay, id -> {
            timerId = -1;
            flush();
        });
    }

    private void flush() {
        if (inFlight || waitingForGate || pending.isEmpty() || failed) {
            return;
        }
        cancelTimer();
        HistoryGate gate = transport.historyGate();
        if (!gate.tryAcquire()) {
            // JetStream is busy: wait for a permit while more chunks join this batch.
            waitingForGate = true;
            gate.await(() -> context.runOnContext(v -> {
                waitingForGate = false;
                flushWithPermit();
            }));
            return;
        }
        flushWithPermit();
    }

    private void flushWithPermit() {
        if (pending.isEmpty() || failed) {
            transport.historyGate().release();
            return;
        }
        List<EncodedChunk> batch = Batches.takeFirst(pending, transport.settings().historyFlushBytes());
        for (EncodedChunk c : batch) {
            pendingBytes -= c.json().length + 1;
        }
        pendingSince = System.nanoTime();
        inFlight = true;
        inFlightSince = System.nanoTime();
        byte[] body = ChunkBatch.join(batch.stream().map(EncodedChunk::json).toList());
        publish(batch, body, 1);
    }

    /** One try at writing {@code batch}. */
    private void publish(List<EncodedChunk> batch, byte[] body, int attempt) {
        EncodedChunk first = batch.get(0);
        boolean isFinal = batch.get(batch.size() - 1).isFinal();
        // The position, not the attempt: a second attempt writing from the same position is a duplicate.
        String msgId = BatchHeader.historyMsgId(info.messageId(), fencePosition >= 0 ? fencePosition : first.chunkId());
        Headers batchHeaders = headers.of(first.chunkId(), batch.size(), isFinal, MessageInfo.epochMicros(clock.instant()),
                historyStart);
        Span span = spans.historyWrite(first.chunkId(), batch.size(), attempt);
        transport.publishHistory(info.historySubject(), batchHeaders, body, msgId)
                .whenComplete((ack, err) -> context.runOnContext(v -> {
                    if (err != null) {
                        span.setStatus(StatusCode.ERROR, String.valueOf(err.getMessage()));
                    }
                    span.end();
                    if (err != null) {
                        retryOrFail(batch, body, attempt, err);
                    } else if (ack.isDuplicate()) {
                        checkDuplicate(batch, body, isFinal, attempt, ack.getSeqno());
                    } else {
                        acknowledged(batch, isFinal, ack.getSeqno());
                    }
                }));
        if (!sentAny) {
            // On the connection now, ahead of any live copy (a publish that throws means a closed connection,
            // which takes no live copy either). After the completion handler: a live publish that throws must
            // not leave this write unhandled (its gate permit and in-flight mark).
            sentAny = true;
            live.historySent();
        }
    }

    /** The retry that follows a lost acknowledgement of this attempt's own write, or another attempt's batch. */
    private void checkDuplicate(List<EncodedChunk> batch, byte[] body, boolean isFinal, int attempt, long sequence) {
        if (attempt == 1) {
            conflict(first(batch));
            return;
        }
        vertx.executeBlocking(() -> transport.storedAttempt(sequence), false).onComplete(ar -> {
            if (ar.succeeded() && Integer.toString(info.attempt()).equals(ar.result())) {
                acknowledged(batch, isFinal, sequence);
            } else if (ar.succeeded()) {
                conflict(first(batch));
            } else {
                retryOrFail(batch, body, attempt, ar.cause());
            }
        });
    }

    private static long first(List<EncodedChunk> batch) {
        return batch.get(0).chunkId();
    }

    private void conflict(long chunkId) {
        fail(new HistoryConflictException("another attempt of " + info.messageId() + " recorded chunk " + chunkId
                + " first; attempt " + info.attempt() + " stops"));
    }

    private void acknowledged(List<EncodedChunk> batch, boolean isFinal, long sequence) {
        if (historyStart == 0) {
            // The message's first stored batch: the batches after it say where its history begins.
            historyStart = sequence;
        }
        inFlight = false;
        fencePosition = -1;
        transport.historyGate().release();
        transport.metrics().historyPublished(batch.size());
        if (!failed) {
            live.acknowledged(batch.get(batch.size() - 1).chunkId(), historyStart);
        }
        if (isFinal) {
            finalRecorded.tryComplete();
            if (drained != null) {
                // A hand-over asked while the final write was in flight: history now holds everything.
                drained.tryComplete();
            }
            return;
        }
        if (writeNow()) {
            flush();
        } else if (!pending.isEmpty()) {
            scheduleFlush();
        } else if (drained != null) {
            drained.tryComplete();
        }
    }

    private void retryOrFail(List<EncodedChunk> batch, byte[] body, int attempt, Throwable err) {
        if (failed) {
            inFlight = false;
            transport.historyGate().release();
            return;
        }
        // History is in trouble: let nothing more run ahead of it.
        live.historyFailed();
        HistoryRetryPolicy policy = transport.settings().historyRetry();
        boolean retry = policy.mayRetry(attempt, Duration.ofNanos(System.nanoTime() - inFlightSince));
        transport.metrics().historyFailed(retry);
        if (!retry) {
            fail(new HistoryWriteException("history write failed after " + attempt + " attempts: "
                    + (err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage()), err));
            return;
        }
        // Exponential, capped, jittered: enough to ride out a JetStream leader election (seconds)
        // before the answer is given up on and its request handed back.
        long base = policy.backoff(attempt).toMillis();
        long delay = base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        retryTimerId = vertx.setTimer(Math.max(1, delay), id -> {
            retryTimerId = -1;
            if (failed) {
                return; // close() already gave the permit back
            }
            publish(batch, body, attempt + 1);
        });
    }

    /** The message's history fails for good: nothing more is written or sent live. */
    private void fail(HistoryWriteException cause) {
        failed = true;
        live.close();
        inFlight = false;
        cancelTimer();
        transport.historyGate().release();
        if (drained != null) {
            drained.tryFail(cause);
        }
        finalRecorded.tryFail(cause);
    }

    private void cancelTimer() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }
}
