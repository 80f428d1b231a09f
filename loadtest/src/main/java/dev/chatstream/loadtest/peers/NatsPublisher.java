package dev.chatstream.loadtest.peers;

import dev.chatstream.subjects.Subjects;
import dev.chatstream.wire.BatchHeader;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Our side: publishes each chunk as a worker does with paced tokens (each token its own batch) — the
 * history write to {@code chat.history.{sid}} (JetStream, de-duplicated by {@code <message_id>:<chunk_id>}),
 * then, without waiting for its ack, the live batch to {@code chat.pod.{podId}.response}, both with the
 * {@link BatchHeader} headers the pod routes and frames by.
 */
final class NatsPublisher implements ChunkPublisher {
    private final Connection connection;
    private final JetStream jetStream;
    private final String podSubject;
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
            BatchHeader header = new BatchHeader(chunk.channel(), chunk.messageId(), chunk.chunkId(), 1, 1, chunk.last(),
                    chunk.publishedAtEpochNanos() / 1_000);
            Headers headers = header.toHeaders();
            try {
                jetStream.publishAsync(Subjects.history(chunk.channel()), headers, chunk.json(),
                                PublishOptions.builder().messageId(header.historyMsgId()).build())
                        .whenComplete((ack, error) -> {
                            if (error != null) {
                                failures.incrementAndGet();
                            }
                        });
                connection.publish(podSubject, headers, chunk.json());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
            }
        }
    }

    @Override
    public long failures() {
        return failures.get();
    }

    @Override
    public String describe() {
        return "NATS: JetStream history write + core publish to " + podSubject + " per chunk";
    }

    @Override
    public void close() {
        try {
            connection.flush(java.time.Duration.ofSeconds(5));
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Closing at the end of a run: nothing left to report.
        }
    }
}
