package dev.chatstream.loadtest.peers;

import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BatchHeader;
import dev.chatstream.wire.ChunkBatch;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our side: publishes each answer as a worker's {@code HistoryBatcher} does — at most one history write
 * in flight per message (JetStream, {@code chat.history.{sid}}, de-duplicated by
 * {@code <message_id>:<first_chunk_id>}); a chunk that arrives while none is in flight is written at once,
 * chunks arriving meanwhile go together into the next batch; each batch goes live to
 * {@code chat.pod.{podId}.response} right behind its history write (not after the ack), both with the
 * {@link BatchHeader} headers the pod routes and frames by. With paced tokens and a quick ack every chunk is
 * its own batch. A failed write is counted, not retried.
 */
final class NatsPublisher implements ChunkPublisher {
    private final Connection connection;
    private final JetStream jetStream;
    private final String podSubject;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();

    NatsPublisher(String natsUrl, String podId) throws IOException, InterruptedException {
        this.connection = Nats.connect(new Options.Builder().server(natsUrl).maxMessagesInOutgoingQueue(1_000_000)
                .connectionName("peers-driver").build());
        this.jetStream = connection.jetStream();
        this.podSubject = Subjects.podResponse(podId);
    }

    @Override
    public void publish(List<PeerChunk> due) {
        for (PeerChunk chunk : due) {
            answers.computeIfAbsent(chunk.messageId(), id -> new Answer()).add(chunk);
        }
    }

    /** One message's history writes: one in flight, the rest gathered. */
    private final class Answer {
        private final List<PeerChunk> pending = new ArrayList<>();
        private boolean inFlight;

        void add(PeerChunk chunk) {
            List<PeerChunk> batch;
            synchronized (this) {
                pending.add(chunk);
                if (inFlight) {
                    return;
                }
                batch = take();
            }
            write(batch);
        }

        private void acknowledged() {
            List<PeerChunk> batch;
            synchronized (this) {
                if (pending.isEmpty()) {
                    inFlight = false;
                    return;
                }
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
            Headers headers = header.toHeaders();
            List<byte[]> bodies = new ArrayList<>(batch.size());
            batch.forEach(chunk -> bodies.add(chunk.json()));
            byte[] body = ChunkBatch.join(bodies);
            try {
                CompletableFuture<PublishAck> ack = jetStream.publishAsync(Subjects.history(first.channel()), headers,
                        body, PublishOptions.builder().messageId(header.historyMsgId()).build());
                connection.publish(podSubject, headers, body);
                // Only now: an ack that completes at once must not send the next batch live before this one.
                ack.whenComplete((done, error) -> {
                    if (error != null) {
                        failures.addAndGet(batch.size());
                    }
                    if (last.last()) {
                        answers.remove(last.messageId());
                    } else {
                        acknowledged();
                    }
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
        return "NATS, as a worker: per message one JetStream history write in flight (chunks due meanwhile gathered"
                + " into the next batch), each batch live to " + podSubject + " right behind its history write";
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
