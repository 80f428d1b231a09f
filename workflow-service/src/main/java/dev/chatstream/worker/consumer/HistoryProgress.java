package dev.chatstream.worker.consumer;

import dev.chatstream.wire.LiveAhead;

/**
 * What {@code CHAT_HISTORY} already holds of one message: its last chunk id (-1: none), whether it ended, and
 * the stream sequence of its first stored batch ({@code historyStart}: 0 when nothing of it is stored, so this
 * attempt's first write will be it; -1 when batches are stored but where they begin is not known).
 */
record HistoryProgress(long lastChunkId, boolean finalRecorded, long historyStart) {
    static final HistoryProgress NONE = new HistoryProgress(-1, false, 0);
    /** The message carries an answered marker: an earlier delivery recorded its whole answer. */
    static final HistoryProgress ANSWERED = new HistoryProgress(-1, true, 0);

    /**
     * This attempt's first chunk id: 0 when history holds nothing of the message, else its {@code restart} notice's,
     * {@link LiveAhead#restartChunkId} (above every id an earlier attempt can have shown live).
     */
    long nextChunkId() {
        return lastChunkId < 0 ? 0 : LiveAhead.restartChunkId(lastChunkId);
    }

    /** Where the restart notice is recorded: the history position right after what history holds. */
    long fencePosition() {
        return lastChunkId + 1;
    }
}
