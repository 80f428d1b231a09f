package dev.chatstream.worker.consumer;

import dev.chatstream.streams.HistoryScan;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Finds how far a message got in {@code CHAT_HISTORY}, for a redelivered request: scans
 * {@code chat.history.{sid}} with {@link HistoryScan} and reads only the headers of that message's
 * batches ({@link BatchHeader}). Blocking: call from a worker thread.
 */
final class HistoryReader {
    /** Bound on one scan; history per session is bounded by the stream's per-subject limit. */
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(10);

    private final JetStream jetStream;
    private final JetStreamManagement management;

    HistoryReader(JetStream jetStream, JetStreamManagement management) {
        this.jetStream = jetStream;
        this.management = management;
    }

    HistoryProgress read(String sessionId, String messageId) throws IOException, JetStreamApiException, InterruptedException {
        long[] lastChunk = {-1};
        boolean[] finalRecorded = new boolean[1];
        long read;
        try {
            read = HistoryScan.scan(jetStream, management, sessionId, SCAN_TIMEOUT, message -> {
                if (messageId.equals(BatchHeader.messageIdOf(message.getHeaders()))) {
                    BatchHeader header = BatchHeader.from(message.getHeaders());
                    lastChunk[0] = Math.max(lastChunk[0], header.firstChunkId() + header.count() - 1);
                    finalRecorded[0] |= header.endsMessage();
                }
                return true;
            });
        } catch (TimeoutException e) {
            throw new IOException(e.getMessage(), e);
        }
        return read == 0 ? HistoryProgress.NONE : new HistoryProgress(lastChunk[0], finalRecorded[0]);
    }
}
