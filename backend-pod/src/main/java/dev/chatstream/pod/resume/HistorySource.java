package dev.chatstream.pod.resume;

import dev.chatstream.pod.routing.Batch;
import dev.chatstream.streams.ScanStart;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The one way resume reaches stored history: a session's chunk batches in stream order, from where a replay
 * starts. The NATS side implements it over {@code CHAT_HISTORY}; tests can use an in-memory one.
 */
public interface HistorySource {

    /**
     * Passes the stored batches of {@code sessionId} from {@code from} on, in stream order up to the last one
     * present when the call starts, to {@code each}; returns how many. With {@code messageId} only that message's
     * batches are framed and passed (the others are skipped by their headers). A history batch says where its
     * message's history begins ({@link Batch#historyStart()}) when its header or its position tells. Stops early,
     * returning what it passed, once {@code stop} answers true (every reader left). Blocking; bounded by
     * {@code timeout}, past which it throws {@link java.util.concurrent.TimeoutException}; other failures throw
     * the transport's error.
     */
    int replay(String sessionId, String messageId, ScanStart from, Consumer<Batch> each, BooleanSupplier stop,
               Duration timeout) throws Exception;

    /**
     * When a pod accepted {@code messageId}, as far as anything stored tells (every batch of its answer is stored
     * later, give or take clock skew); null when unknown. Blocking.
     */
    default Instant acceptedAt(String messageId) throws Exception {
        return null;
    }
}
