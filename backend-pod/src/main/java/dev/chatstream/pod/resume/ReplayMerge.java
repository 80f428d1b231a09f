package dev.chatstream.pod.resume;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.streams.ScanStart;
import dev.chatstream.wire.Cursor;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * One replay of a connection in progress: where it reads from, what history gave so far (not yet written
 * because the client's buffer is full), and the live batches held back meanwhile. On a resume, history up
 * to and including the client's cursor is skipped (chunk ids grow across attempts in history, so this holds
 * whichever attempt the client saw); on a repair, only the cursor's message is taken and the delivery
 * tracker decides what is new. A replay may start near the cursor's message instead of at the session's
 * first batch ({@link SharedReplays}); one whose start turns out to be past that message's first batch (a
 * time bound off by more than its margin) is thrown away and read again from the first batch, so a near
 * start never changes what the client gets. Used on the connection's thread only.
 */
final class ReplayMerge {
    /** How often a hole or resume cursor history does not have yet is asked for again ({@link ReplayPolicy#HISTORY_WAIT} in all). */
    static final int MAX_LAG_RETRIES = ReplayPolicy.MAX_LAG_RETRIES;
    /** Retries for a cursor whose message history does not know, when nothing of it arrives live. */
    static final int UNKNOWN_CURSOR_RETRIES = 2;

    /** Live batches that arrived during the replay, kept across its retries. */
    final ArrayDeque<Batch> held;
    /** History batches to write, in stream order. */
    ArrayDeque<Batch> history = new ArrayDeque<>();
    Cursor cursor;
    boolean repair;
    /** The {@code history_gap} notice of a resume (null for a repair), and where it goes once due. */
    Buffer gapNotice;
    Buffer noticeFirst;
    Buffer noticeLast;
    boolean cursorFound;
    /** Resume: history has reached past the cursor (what follows is new to the client). */
    boolean cursorPassed;
    /** Resume: the attempt of the last history batch of the cursor's message seen so far. */
    int cursorAttempt;
    boolean done;
    /** Whether the replay read history to its end (a failed one is not retried for lag). */
    boolean complete;
    /** Replays of the current hole or resume repeated because history lagged behind live. */
    int lagRetries;
    /** Where the current replay started: past the session's first batch, and whether by time. */
    private boolean near;
    private boolean byTime;
    /** The current near replay began past the cursor's message: what it gives is ignored. */
    private boolean missedStart;
    /** A near start missed: every later replay of this merge reads from the first batch. */
    boolean widened;

    ReplayMerge(Cursor cursor, boolean repair, Buffer gapNotice, ArrayDeque<Batch> held) {
        this.held = held;
        restart(cursor, repair);
        this.gapNotice = repair ? null : gapNotice;
    }

    /** Reads again from {@code from}; held batches and the lag count stay. */
    void restart(Cursor from, boolean asRepair) {
        cursor = from;
        repair = asRepair;
        if (asRepair) {
            gapNotice = null;
        }
        history = new ArrayDeque<>();
        noticeFirst = null;
        noticeLast = null;
        cursorFound = false;
        cursorPassed = false;
        done = false;
        near = false;
        byTime = false;
        missedStart = false;
    }

    /** The replay about to deliver starts at {@code start} (told before its first batch). */
    void startsAt(ScanStart start) {
        near = !start.isFirst();
        byTime = start.isTime();
    }

    /**
     * Before the replay ends: after how long it runs again, or -1 when it ends now. At once from the first batch
     * when a near start missed the cursor's message (its first batch seen starts past chunk 0, or a start by time
     * found nothing of a resume's cursor); after a lag delay for a cursor history does not show yet.
     */
    long againIn(boolean replayComplete) {
        if (near && (missedStart || replayComplete && byTime && !repair && !cursorFound)) {
            widened = true;
            return 0;
        }
        return lookAgainForCursor(replayComplete) ? nextLagDelay() : -1;
    }

    /** The delay before the next replay of a hole or cursor history has not stored yet. */
    long nextLagDelay() {
        return ReplayPolicy.lagDelay(lagRetries++);
    }

    boolean mayRetryForLag() {
        return complete && lagRetries < MAX_LAG_RETRIES;
    }

    /**
     * Whether a resume whose cursor history did not show should look again before calling it a gap: the
     * cursor's message may be live and not stored yet.
     */
    boolean lookAgainForCursor(boolean replayComplete) {
        return replayComplete && !repair && !cursorFound && lagRetries < MAX_LAG_RETRIES
                && (lagRetries < UNKNOWN_CURSOR_RETRIES || holdsLiveOf(cursor.messageId()));
    }

    /**
     * Takes a batch read from history; true when it is to be written. A resume skips history up to and
     * including the cursor, then seeds the tracker with it; a repair takes only its message.
     */
    boolean accept(Batch batch, DeliveryTracker tracker) {
        if (done || missedStart) {
            return false;
        }
        boolean ofCursor = batch.messageId().equals(cursor.messageId());
        if (repair && !ofCursor) {
            // A hole concerns one message: other messages' history went out live already.
            return false;
        }
        if (!cursorFound) {
            if (!ofCursor) {
                return false;
            }
            if (near && batch.firstChunkId() > 0) {
                // Started past the message's first batch: the chunks before this one may be stored earlier.
                missedStart = true;
                return false;
            }
            cursorFound = true;
            if (repair) {
                cursorPassed = true;
            } else if (batch.firstChunkId() > cursor.chunkId() + 1) {
                // History no longer holds the chunks right after the cursor (limits): say so first.
                noticeFirst = gapNotice;
                cursorPassed = true;
            }
        }
        if (ofCursor && !cursorPassed) {
            cursorAttempt = batch.attempt();
            if (batch.firstChunkId() + batch.count() - 1 <= cursor.chunkId()) {
                return false;
            }
            cursorPassed = true;
            tracker.seed(cursor.messageId(), cursor.chunkId(), batch.attempt());
        }
        history.add(batch);
        return true;
    }

    /** The replay is over: a cursor never found, or a replay that did not complete, gets the gap notice. */
    /** Ends the replay; returns a resume's outcome for {@code chat_resumes_total}, null for a repair. */
    String end(boolean replayComplete, DeliveryTracker tracker) {
        done = true;
        complete = replayComplete;
        if (complete && !repair && cursorFound && !cursorPassed) {
            // History ends at (or, still storing, before) the cursor: everything after it is new.
            tracker.seed(cursor.messageId(), cursor.chunkId(), cursorAttempt);
            cursorPassed = true;
        }
        if (!cursorFound || !complete) {
            noticeLast = gapNotice;
        }
        if (repair) {
            return null;
        }
        return !complete ? PodMetrics.RESUME_FAILED : cursorFound ? PodMetrics.RESUME_COMPLETE : PodMetrics.RESUME_GAP;
    }

    /** The next thing to write: the first-notice, then history, then (once done) the last notice; null when none. */
    Buffer takeNotice(boolean historyEmpty) {
        Buffer notice = null;
        if (noticeFirst != null) {
            notice = noticeFirst;
            noticeFirst = null;
        } else if (historyEmpty && done && noticeLast != null) {
            notice = noticeLast;
            noticeLast = null;
        }
        return notice;
    }

    private boolean holdsLiveOf(String messageId) {
        for (Batch batch : held) {
            if (batch.messageId().equals(messageId)) {
                return true;
            }
        }
        return false;
    }
}
