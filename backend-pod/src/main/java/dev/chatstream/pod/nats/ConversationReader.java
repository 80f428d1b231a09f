package dev.chatstream.pod.nats;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.StoredTurn;
import dev.chatstream.streams.ConversationScan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;

/**
 * A session's turns from {@code CHAT_CONVERSATIONS} ({@link ConversationScan}), read on a worker thread: what
 * {@code GET /api/sessions/{sid}/messages} returns. Fails with {@link NatsUnavailableException} while NATS is
 * down.
 */
public final class ConversationReader {
    private final Vertx vertx;
    private final PodNats nats;
    private final Duration timeout;
    private final MessageCodec codec = MessageCodec.standard();

    public ConversationReader(Vertx vertx, PodNats nats, Duration timeout) {
        this.vertx = vertx;
        this.nats = nats;
        this.timeout = timeout;
    }

    /** Every stored turn of {@code sessionId}, oldest first (the stream bounds how many it keeps). */
    public Future<List<StoredTurn>> turns(String sessionId) {
        if (!nats.connected()) {
            return Future.failedFuture(new NatsUnavailableException("NATS is not connected"));
        }
        return vertx.executeBlocking(() -> ConversationScan.last(nats.jetStream(), nats.management(), codec, sessionId,
                Integer.MAX_VALUE, timeout), false);
    }
}
