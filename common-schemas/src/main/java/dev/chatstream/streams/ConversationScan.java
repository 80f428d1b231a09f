package dev.chatstream.streams;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.codec.MessageCodecException;
import dev.chatstream.schemas.StoredTurn;
import dev.chatstream.subjects.Subjects;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Reads a session's turns from {@code CHAT_CONVERSATIONS} in the order they were written, with the same
 * bounded ordered-consumer scan as {@link HistoryScan}: used by workers (the model's context) and pods
 * ({@code GET /api/sessions/{sid}/messages}). A turn written twice (a redelivery after the duplicate window)
 * is kept once; an undecodable record is skipped. Blocking: call it off any event loop.
 */
public final class ConversationScan {
    private ConversationScan() {
    }

    /** The last {@code limit} turns of {@code sessionId}, oldest first; empty when it has none. */
    public static List<StoredTurn> last(JetStream jetStream, JetStreamManagement management, MessageCodec codec,
                                        String sessionId, int limit, Duration timeout)
            throws IOException, JetStreamApiException, InterruptedException, TimeoutException {
        if (limit <= 0) {
            return List.of();
        }
        Deque<StoredTurn> turns = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        HistoryScan.scan(jetStream, management, StreamDefinitions.CHAT_CONVERSATIONS, Subjects.conversation(sessionId),
                timeout, message -> {
                    StoredTurn turn;
                    try {
                        turn = codec.decode(message.getData(), StoredTurn.class);
                    } catch (MessageCodecException e) {
                        return true;
                    }
                    if (seen.add(turn.key())) {
                        turns.addLast(turn);
                        if (turns.size() > limit) {
                            turns.removeFirst();
                        }
                    }
                    return true;
                });
        return List.copyOf(turns);
    }
}
