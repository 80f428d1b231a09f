package dev.chatstream.worker.consumer;

import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.time.Duration;

/**
 * Finds how far a message got in {@code CHAT_HISTORY}, for a redelivered request: replays
 * {@code chat.history.{sid}} with an ordered consumer up to the subject's last sequence and reads
 * only headers ({@code Chat-Message-Id}, {@code Chat-Chunk-Id}, {@code Chat-Chunk-Count},
 * {@code Chat-Final}). Blocking: call from a worker thread.
 */
final class HistoryReader {
    private static final int NO_MESSAGE_FOUND = 10037;
    private static final Duration NEXT_TIMEOUT = Duration.ofSeconds(2);

    private final JetStream jetStream;
    private final JetStreamManagement management;

    HistoryReader(JetStream jetStream, JetStreamManagement management) {
        this.jetStream = jetStream;
        this.management = management;
    }

    HistoryProgress read(String sessionId, String messageId) throws IOException, JetStreamApiException, InterruptedException {
        String subject = Subjects.history(sessionId);
        long lastSequence;
        try {
            MessageInfo last = management.getLastMessage(StreamDefinitions.CHAT_HISTORY, subject);
            lastSequence = last.getSeq();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return HistoryProgress.NONE;
            }
            throw e;
        }
        long lastChunk = -1;
        boolean finalRecorded = false;
        JetStreamSubscription sub = jetStream.subscribe(subject, PushSubscribeOptions.builder()
                .stream(StreamDefinitions.CHAT_HISTORY).ordered(true).build());
        try {
            while (true) {
                Message msg = sub.nextMessage(NEXT_TIMEOUT);
                if (msg == null) {
                    throw new IOException("history replay of " + subject + " stalled before sequence " + lastSequence);
                }
                Headers h = msg.getHeaders();
                if (h != null && messageId.equals(h.getFirst(ChunkHeaders.MESSAGE_ID))) {
                    long first = Long.parseLong(h.getFirst(ChunkHeaders.FIRST_CHUNK_ID));
                    int count = Integer.parseInt(h.getFirst(ChunkHeaders.CHUNK_COUNT));
                    lastChunk = Math.max(lastChunk, first + count - 1);
                    finalRecorded |= "true".equals(h.getFirst(ChunkHeaders.FINAL));
                }
                if (msg.metaData().streamSequence() >= lastSequence) {
                    return new HistoryProgress(lastChunk, finalRecorded);
                }
            }
        } finally {
            sub.unsubscribe();
        }
    }
}
