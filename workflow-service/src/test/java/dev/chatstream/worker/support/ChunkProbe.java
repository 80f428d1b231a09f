package dev.chatstream.worker.support;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.ChunkHeaders;
import dev.chatstream.wire.PodFrame;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.impl.Headers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Acts as a pod (or any listener): subscribes to a subject and keeps every chunk batch it receives. */
public final class ChunkProbe implements AutoCloseable {
    /** One received batch: its headers and decoded chunks. */
    public record Batch(String subject, Headers headers, List<ResponseChunk> chunks, long receivedAtMicros, byte[] body) {
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final Connection connection;
    private final Dispatcher dispatcher;
    private final List<Batch> batches = new CopyOnWriteArrayList<>();

    public ChunkProbe(Connection connection, String subject) {
        this.connection = connection;
        this.dispatcher = connection.createDispatcher(msg -> {
            java.time.Instant now = java.time.Instant.now();
            long receivedAt = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            if (PodFrame.isFrame(msg.getHeaders())) {
                // A pod frame: each batch in it as if it had come alone, with the headers it would have had.
                PodFrame.forEach(msg.getData(), segment -> batches.add(new Batch(msg.getSubject(), segment.toHeaders(),
                        decode(segment.body()), receivedAt, segment.body())));
                return;
            }
            batches.add(new Batch(msg.getSubject(), msg.getHeaders(), decode(msg.getData()), receivedAt, msg.getData()));
        });
        dispatcher.subscribe(subject);
        try {
            connection.flush(Duration.ofSeconds(2));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ResponseChunk> decode(byte[] batchBody) {
        List<ResponseChunk> chunks = new ArrayList<>();
        ChunkBatch.forEach(batchBody, (i, body, off, len) ->
                chunks.add(MessageCodec.standard().decode(body, off, len, ResponseChunk.class)));
        return chunks;
    }

    public List<Batch> batches() {
        return List.copyOf(batches);
    }

    public List<Batch> batches(String messageId) {
        return batches.stream().filter(b -> messageId.equals(b.header(ChunkHeaders.MESSAGE_ID))).toList();
    }

    public List<ResponseChunk> chunks(String messageId) {
        return batches(messageId).stream().flatMap(b -> b.chunks().stream()).toList();
    }

    public boolean hasFinal(String messageId) {
        return chunks(messageId).stream().anyMatch(ResponseChunk::isFinal);
    }

    public List<ResponseChunk> all() {
        return batches.stream().flatMap(b -> b.chunks().stream()).toList();
    }

    @Override
    public void close() {
        connection.closeDispatcher(dispatcher);
    }
}
