package dev.chatstream.worker.fanout;

import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.PodFrame;
import dev.chatstream.worker.loop.EventLoops;
import io.nats.client.impl.Headers;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Coalesces the live batches this worker sends each pod into {@link PodFrame}s: paced answers each produce a
 * chunk every few tens of milliseconds, so one message per chunk made NATS and the pod pay per chunk. Frames are
 * kept per Vert.x context (an answer runs on one), so nothing is locked and a message's batches stay in order.
 * The first batch after a quiet tick leaves at the end of the current event-loop turn (a lone chunk is not
 * delayed); while batches keep coming, a context sends each pod at most one frame per {@code LIVE_FRAME_TICK}.
 * A batch for any other subject (the session broadcast) first sends the frames waiting on its context, so it
 * does not overtake them.
 */
final class PodFrames {
    private static final String KEY = PodFrames.class.getName();
    /** A frame stops growing here and leaves at once. */
    private static final int MAX_FRAME_BYTES = 256 * 1024;

    private final ChunkTransport transport;
    private final long tickNanos;

    PodFrames(ChunkTransport transport, long tickNanos) {
        this.transport = transport;
        this.tickNanos = tickNanos;
    }

    /**
     * Whether batches of {@code info}'s message to {@code subject} can travel in frames: a pod subject, and ids a
     * frame can carry. Per subject and message, not per batch: callers ask once and pass the answer to
     * {@link #publish}.
     */
    static boolean frameable(String subject, MessageInfo info) {
        return Subjects.podOfResponse(subject) != null && PodFrame.fits(info.sessionId())
                && PodFrame.fits(info.messageId());
    }

    /**
     * Sends {@code body} to {@code subject}: into a frame when {@code framed} (see {@link #frameable}), else as a
     * message of its own.
     */
    void publish(String subject, boolean framed, Supplier<Headers> single, BatchHeader header, MessageInfo info,
                 byte[] body) {
        Context context = Vertx.currentContext();
        if (tickNanos <= 0 || context == null || !context.isEventLoopContext()) {
            transport.publishLive(subject, single.get(), body);
            return;
        }
        Pending pending = pending(context);
        if (!framed) {
            pending.sendAll();
            transport.publishLive(subject, single.get(), body);
            return;
        }
        pending.add(subject, header, info, body);
    }

    private Pending pending(Context current) {
        // Per root context: callbacks may run on a duplicate of it, and one message's batches must share one queue.
        return EventLoops.local(current, KEY, Pending::new);
    }

    /** The frames waiting on one context, by pod subject. Used on that context only. */
    private final class Pending {
        private final Context context;
        private final Map<String, PodFrame.Writer> frames = new LinkedHashMap<>();
        private boolean scheduled;
        private long lastSentNanos = System.nanoTime() - tickNanos;

        Pending(Context context) {
            this.context = context;
        }

        void add(String subject, BatchHeader header, MessageInfo info, byte[] body) {
            PodFrame.Writer frame = frames.computeIfAbsent(subject, s -> new PodFrame.Writer(1024));
            frame.append(header, info.requestedAtMicros(), info.correlationId(), info.traceparent(), body);
            if (frame.size() >= MAX_FRAME_BYTES) {
                frames.remove(subject);
                send(subject, frame);
            }
            if (scheduled) {
                return;
            }
            scheduled = true;
            long sinceLast = System.nanoTime() - lastSentNanos;
            if (sinceLast >= tickNanos) {
                // Idle: at the end of this turn, with whatever else this turn adds.
                context.runOnContext(v -> sendAll());
            } else {
                long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(tickNanos - sinceLast));
                context.owner().setTimer(waitMs, id -> sendAll());
            }
        }

        void sendAll() {
            scheduled = false;
            if (frames.isEmpty()) {
                return;
            }
            lastSentNanos = System.nanoTime();
            for (Map.Entry<String, PodFrame.Writer> entry : frames.entrySet()) {
                send(entry.getKey(), entry.getValue());
            }
            frames.clear();
        }

        private void send(String subject, PodFrame.Writer frame) {
            transport.publishLive(subject, PodFrame.headers(), frame.toBytes());
        }
    }
}
