package dev.chatstream.worker.consumer;

/**
 * What {@code CHAT_HISTORY} already holds of one message: its last chunk id (-1: none), whether it ended, and
 * the stream sequence of its first stored batch ({@code historyStart}: 0 when nothing of it is stored, so this
 * attempt's first write will be it; -1 when batches are stored but where they begin is not known).
 */
record HistoryProgress(long lastChunkId, boolean finalRecorded, long historyStart) {
    static final HistoryProgress NONE = new HistoryProgress(-1, false, 0);
    /** The message carries an answered marker: an earlier delivery recorded its whole answer. */
    static final HistoryProgress ANSWERED = new HistoryProgress(-1, true, 0);

    long nextChunkId() {
        return lastChunkId + 1;
    }
}
