package dev.chatstream.worker.consumer;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ConversationTurn;
import dev.chatstream.schemas.StoredTurn;
import dev.chatstream.streams.ConversationScan;
import dev.chatstream.subjects.Subjects;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;

/**
 * The worker's side of {@code CHAT_CONVERSATIONS}: reads a session's earlier turns (the model's context, the
 * last {@code MAX_HISTORY_TURNS}) and writes each turn once ({@code Nats-Msg-Id} {@code <sid>:<mid>:user} /
 * {@code <sid>:<mid>:assistant}, so a redelivered request does not write its turns twice).
 */
final class Conversations {
    /** Bound on one read; a session's turns are bounded by the stream's per-subject limit. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final JetStream jetStream;
    private final JetStreamManagement management;
    private final MessageCodec codec;
    private final int maxTurns;

    Conversations(Vertx vertx, JetStream jetStream, JetStreamManagement management, MessageCodec codec, int maxTurns) {
        this.vertx = vertx;
        this.jetStream = jetStream;
        this.management = management;
        this.codec = codec;
        this.maxTurns = maxTurns;
    }

    /**
     * The last {@code MAX_HISTORY_TURNS} turns of {@code sessionId} before {@code messageId} (its own turns, kept
     * by an earlier attempt of the same request, and empty answers are left out), oldest first. Read on a
     * worker thread.
     */
    Future<List<ConversationTurn>> before(String sessionId, String messageId) {
        if (maxTurns == 0) {
            return Future.succeededFuture(List.of());
        }
        return vertx.executeBlocking(() -> {
            // Two more than needed: the current message's own turns, when an earlier attempt wrote them.
            List<StoredTurn> stored = ConversationScan.last(jetStream, management, codec, sessionId, maxTurns + 2,
                    READ_TIMEOUT);
            List<ConversationTurn> earlier = stored.stream()
                    .filter(t -> !t.messageId().equals(messageId))
                    // An answer that failed before its first token kept an empty turn: providers refuse empty content.
                    .filter(t -> !t.text().isEmpty())
                    .map(StoredTurn::toContext)
                    .toList();
            return earlier.subList(Math.max(0, earlier.size() - maxTurns), earlier.size());
        }, false);
    }

    /**
     * Writes one turn of {@code sessionId}; completes on {@code context} once JetStream stored it (or had it
     * already).
     */
    Future<Void> append(Context context, String sessionId, StoredTurn turn) {
        byte[] body = codec.encode(turn);
        return Future.fromCompletionStage(jetStream.publishAsync(Subjects.conversation(sessionId), body,
                PublishOptions.builder().messageId(turn.msgId(sessionId)).build()), context).mapEmpty();
    }
}
