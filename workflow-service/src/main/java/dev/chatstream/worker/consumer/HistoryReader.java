package dev.chatstream.worker.consumer;

import dev.chatstream.streams.HistoryScan;
import dev.chatstream.streams.ScanStart;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds how far a message got in {@code CHAT_HISTORY}, for a redelivered request: scans
 * {@code chat.history.{sid}} with {@link HistoryScan} from {@code margin} before the request was stored in
 * {@code WORKFLOW_REQUESTS} (every batch of its answer was written after that; the margin covers the clocks of
 * two NATS servers), not from the session's first batch, and reads only the headers of that message's batches
 * ({@link BatchHeader}). Blocking: call from a worker thread.
 */
final class HistoryReader {
    /** Bound on one scan; history per session is bounded by the stream's per-subject limit. */
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(10);

    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final Duration margin;
    /** History messages read by every scan so far (a read near the message reads few). */
    private final AtomicLong messagesRead = new AtomicLong();

    HistoryReader(JetStream jetStream, JetStreamManagement management, Duration margin) {
        this.jetStream = jetStream;
        this.management = management;
        this.margin = margin;
    }

    /** {@code requestStoredAt}: when the request was stored (its JetStream metadata); null reads the whole session. */
    HistoryProgress read(String sessionId, String messageId, Instant requestStoredAt)
            throws IOException, JetStreamApiException, InterruptedException {
        long[] lastChunk = {-1};
        long[] start = {Long.MAX_VALUE};
        boolean[] seen = new boolean[1];
        boolean[] finalRecorded = new boolean[1];
        long read;
        try {
            read = HistoryScan.scan(jetStream, management, sessionId, ScanStart.before(requestStoredAt, margin),
                    SCAN_TIMEOUT, message -> {
                        if (messageId.equals(BatchHeader.messageIdOf(message.getHeaders()))) {
                            BatchHeader header = BatchHeader.from(message.getHeaders());
                            seen[0] = true;
                            lastChunk[0] = Math.max(lastChunk[0], header.firstChunkId() + header.count() - 1);
                            finalRecorded[0] |= header.endsMessage();
                            // Chunk 0 is stored once (its Nats-Msg-Id): where it is, the message begins.
                            long first = header.firstChunkId() == 0 ? message.metaData().streamSequence()
                                    : header.historyStart();
                            if (first > 0) {
                                start[0] = Math.min(start[0], first);
                            }
                        }
                        return true;
                    });
        } catch (TimeoutException e) {
            throw new IOException(e.getMessage(), e);
        }
        messagesRead.addAndGet(read);
        if (!seen[0]) {
            return HistoryProgress.NONE;
        }
        return new HistoryProgress(lastChunk[0], finalRecorded[0], start[0] == Long.MAX_VALUE ? -1 : start[0]);
    }

    /** History messages read by every scan of this reader so far. */
    long messagesRead() {
        return messagesRead.get();
    }
}
