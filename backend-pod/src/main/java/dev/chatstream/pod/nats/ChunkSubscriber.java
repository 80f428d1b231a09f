package dev.chatstream.pod.nats;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.DeliveryRound;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.PodFrame;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives chunk batches on {@code chat.pod.{podId}.response} and {@code chat.session.*.broadcast} and hands
 * them to the router by their {@code Chat-Session-Id} header. A message on the pod subject may be a
 * {@link PodFrame} holding batches of many sessions: each goes to the router the same way. Broadcasts for
 * sessions not held here are dropped without being framed. jnats re-subscribes after a reconnect.
 */
public final class ChunkSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkSubscriber.class);

    private final PodNats nats;
    private final SessionRouter router;
    private final PodMetrics metrics;
    private Dispatcher dispatcher;

    public ChunkSubscriber(PodNats nats, SessionRouter router, PodMetrics metrics) {
        this.nats = nats;
        this.router = router;
        this.metrics = metrics;
    }

    /** Subscribes and flushes, so the subscriptions are active on the server when this returns. */
    public void start(String podId) throws Exception {
        dispatcher = nats.connection().createDispatcher();
        dispatcher.subscribe(Subjects.podResponse(podId), message -> onBatch(message, "pod_response"));
        dispatcher.subscribe(Subjects.SESSION_BROADCAST_ALL, message -> onBatch(message, "broadcast"));
        nats.connection().flush(java.time.Duration.ofSeconds(5));
    }

    private void onBatch(Message message, String kind) {
        metrics.natsReceived(kind);
        if (PodFrame.isFrame(message.getHeaders())) {
            onFrame(message);
            return;
        }
        String sessionId = ChunkMessages.sessionId(message);
        if (sessionId == null) {
            metrics.dropped(PodMetrics.DROP_MALFORMED, 1);
            return;
        }
        metrics.firstChunks().arrived(message);
        int[] failed = new int[1];
        int targets = router.route(sessionId, () -> {
            try {
                return ChunkMessages.batch(message);
            } catch (IllegalArgumentException e) {
                failed[0] = 1;
                LOG.atWarn().addKeyValue("session_id", sessionId).addKeyValue("subject", message.getSubject())
                        .log("dropping malformed chunk batch: " + e.getMessage());
                return new Batch(sessionId, "-", 0, 1, 0, new byte[0], false);
            }
        });
        if (targets == 0) {
            metrics.firstChunks().notRouted(message);
        }
        if (targets == 0 && failed[0] == 0) {
            metrics.dropped(PodMetrics.DROP_NOT_LOCAL, chunkCount(message));
        }
    }

    /**
     * Each batch of a frame, routed as if it had come alone, but handed over in one task per event loop
     * ({@link DeliveryRound}); what was routed before a malformed segment still goes out.
     */
    private void onFrame(Message message) {
        DeliveryRound round = router.round();
        try {
            PodFrame.forEach(message.getData(), segment -> {
                String sessionId = segment.header().sessionId();
                boolean first = segment.header().firstChunkId() == 0;
                if (first) {
                    metrics.firstChunks().arrived(message.getSubject(), segment.toHeaders());
                }
                int targets = round.route(sessionId, () -> ChunkMessages.batch(segment));
                if (targets == 0) {
                    if (first) {
                        metrics.firstChunks().notRouted(segment.header().messageId());
                    }
                    metrics.dropped(PodMetrics.DROP_NOT_LOCAL, segment.header().count());
                }
            });
        } catch (IllegalArgumentException e) {
            metrics.dropped(PodMetrics.DROP_MALFORMED, 1);
            LOG.atWarn().addKeyValue("subject", message.getSubject())
                    .log("dropping the rest of a malformed pod frame: " + e.getMessage());
        }
        round.dispatch();
    }

    private static int chunkCount(Message message) {
        String count = message.getHeaders() == null ? null : message.getHeaders().getFirst(ChunkHeaders.CHUNK_COUNT);
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
