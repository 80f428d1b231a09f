package dev.chatstream.worker.consumer;

/** What {@code CHAT_HISTORY} already holds of one message: its last chunk id (-1: none) and whether it ended. */
record HistoryProgress(long lastChunkId, boolean finalRecorded) {
    static final HistoryProgress NONE = new HistoryProgress(-1, false);
    /** The message carries an answered marker: an earlier delivery recorded its whole answer. */
    static final HistoryProgress ANSWERED = new HistoryProgress(-1, true);

    long nextChunkId() {
        return lastChunkId + 1;
    }
}
