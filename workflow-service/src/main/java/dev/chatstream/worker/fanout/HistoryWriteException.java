package dev.chatstream.worker.fanout;

/** Chunks of a message could not be recorded in {@code CHAT_HISTORY}, even after retries. */
public class HistoryWriteException extends RuntimeException {
    public HistoryWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
