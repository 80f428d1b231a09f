package dev.chatstream.loadtest.peers;

import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.PodFrame;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our side: publishes each answer as a worker does (docs/architecture.md "History and live", "Pod frames"): every
 * call's due chunks go live at once, each message's as one batch, all of them in one {@link PodFrame} to
 * {@code chat.pod.{podId}.response} (the driver calls once per 1 ms tick, a worker context sends a pod one frame
 * per {@code LIVE_FRAME_TICK}); history is written per message per window ({@link #HISTORY_WINDOW_NANOS}, as
 * {@code HISTORY_FLUSH_INTERVAL}): at most one JetStream write in flight per message ({@code chat.history.{sid}},
 * de-duplicated by {@code <message_id>:<first_chunk_id>}), a chunk written at most one window after it was due,
 * with the message's chunks that came meanwhile, the final chunk at once. A failed write is counted, not retried.
 */
final class NatsPublisher implements ChunkPublisher {
    /** The workers' default {@code HISTORY_FLUSH_INTERVAL}. */
    static final long HISTORY_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final String HISTORY_WINDOW = "100 ms";

    private final Connection connection;
    private final JetStream jetStream;
    private final String podSubject;
    private final Map<String, Answer> answers = new HashMap<>();
    /** Answers with chunks waiting for history, in the order their oldest came (so in order of due time). */
    private final ArrayDeque<Due> windows = new ArrayDeque<>();
    private final AtomicLong failures = new AtomicLong();

    private record Due(long atNanos, Answer answer) {
    }

    NatsPublisher(String natsUrl, String podId) throws IOException, InterruptedException {
        this.connection = Nats.connect(new Options.Builder().server(natsUrl).maxMessagesInOutgoingQueue(1_000_000)
                .connectionName("peers-driver").build());
        this.jetStream = connection.jetStream();
        this.podSubject = Subjects.podResponse(podId);
    }

    /** On the driver's thread, once per tick. */
    @Override
    public void publish(List<PeerChunk> due) {
        long now = System.nanoTime();
        if (!due.isEmpty()) {
            PodFrame.Writer frame = new PodFrame.Writer(due.size() * 256);
            int from = 0;
            for (int i = 1; i <= due.size(); i++) {
                if (i == due.size() || !due.get(i).messageId().equals(due.get(from).messageId())) {
                    live(frame, due.subList(from, i));
                    from = i;
                }
            }
            connection.publish(podSubject, PodFrame.headers(), frame.toBytes());
            for (PeerChunk chunk : due) {
                Answer answer = answers.computeIfAbsent(chunk.messageId(), id -> new Answer());
                if (answer.add(chunk)) {
                    windows.add(new Due(now + HISTORY_WINDOW_NANOS, answer));
                }
                if (chunk.last()) {
                    answers.remove(chunk.messageId());
                    answer.flush();
                }
            }
        }
        while (!windows.isEmpty() && windows.peek().atNanos() <= now) {
            windows.poll().answer().flush();
        }
    }

    private static void live(PodFrame.Writer frame, List<PeerChunk> batch) {
        PeerChunk first = batch.get(0);
        PeerChunk last = batch.get(batch.size() - 1);
        BatchHeader header = new BatchHeader(first.channel(), first.messageId(), first.chunkId(), batch.size(), 1,
                last.last(), last.publishedAtEpochNanos() / 1_000);
        frame.append(header, 0, null, null, join(batch));
    }

    private static byte[] join(List<PeerChunk> batch) {
        List<byte[]> bodies = new ArrayList<>(batch.size());
        batch.forEach(chunk -> bodies.add(chunk.json()));
        return ChunkBatch.join(bodies);
    }

    /** One message's history writes: one in flight, the rest gathered until their window ends. */
    private final class Answer {
        private final List<PeerChunk> pending = new ArrayList<>();
        private boolean inFlight;
        /** A window ended (or the final chunk came) while a write was in flight: write at its acknowledgement. */
        private boolean flushOnAck;

        /** Returns true when the chunk is the first to wait (a new window starts). */
        synchronized boolean add(PeerChunk chunk) {
            pending.add(chunk);
            return pending.size() == 1;
        }

        void flush() {
            List<PeerChunk> batch;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return;
                }
                if (inFlight) {
                    flushOnAck = true;
                    return;
                }
                batch = take();
            }
            write(batch);
        }

        private void acknowledged() {
            List<PeerChunk> batch;
            synchronized (this) {
                inFlight = false;
                if (!flushOnAck || pending.isEmpty()) {
                    return;
                }
                flushOnAck = false;
                batch = take();
            }
            write(batch);
        }

        private List<PeerChunk> take() {
            List<PeerChunk> batch = new ArrayList<>(pending);
            pending.clear();
            inFlight = true;
            return batch;
        }

        private void write(List<PeerChunk> batch) {
            PeerChunk first = batch.get(0);
            PeerChunk last = batch.get(batch.size() - 1);
            BatchHeader header = new BatchHeader(first.channel(), first.messageId(), first.chunkId(), batch.size(), 1,
                    last.last(), last.publishedAtEpochNanos() / 1_000);
            try {
                jetStream.publishAsync(Subjects.history(first.channel()), header.toHeaders(), join(batch),
                                PublishOptions.builder().messageId(header.historyMsgId()).build())
                        .whenComplete((done, error) -> {
                            if (error != null) {
                                failures.addAndGet(batch.size());
                            }
                            acknowledged();
                        });
            } catch (RuntimeException e) {
                failures.addAndGet(batch.size());
                acknowledged();
            }
        }
    }

    @Override
    public long failures() {
        return failures.get();
    }

    @Override
    public String describe() {
        return "NATS, as a worker: each tick's due chunks live at once in one pod frame to " + podSubject
                + ", history per message per " + HISTORY_WINDOW + " window (one JetStream write in flight per message)";
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Closing at the end of a run: nothing left to report.
        }
    }
}
