package dev.chatstream.worker.fanout;

/**
 * Another attempt of the message recorded a batch from the same chunk id first: this attempt is stale
 * (or raced a stale one) and must write nothing more, so history ids keep growing.
 */
public final class HistoryConflictException extends HistoryWriteException {
    public HistoryConflictException(String message) {
        super(message, null);
    }
}
