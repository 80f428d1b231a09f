package dev.chatstream.pod.telemetry;

import dev.chatstream.wire.ChunkHeaders;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FirstChunkWatchTest {
    private final Timer ttft = new SimpleMeterRegistry().timer("ttft");
    private final FirstChunkWatch watch = new FirstChunkWatch(ttft, OpenTelemetry.noop().getTracer("test"));

    @Test
    @DisplayName("chunk 0 written records the time since the POST the batch names, once per answer")
    void recordsFromTheRequestTime() {
        watch.arrived(batch("m1", 0, Instant.now().minusMillis(250)));
        watch.written("s1", "m1");
        watch.written("s1", "m1"); // a second tab

        assertThat(ttft.count()).isEqualTo(1);
        assertThat(ttft.totalTime(TimeUnit.MILLISECONDS)).isBetween(250.0, 5_000.0);
    }

    @Test
    @DisplayName("batches after the first, and answers no connection took, leave nothing to record")
    void onlyFirstBatchesThatWereRouted() {
        watch.arrived(batch("m2", 5, Instant.now()));
        watch.written("s1", "m2");
        watch.arrived(batch("m3", 0, Instant.now()));
        watch.notRouted(batch("m3", 0, Instant.now()));
        watch.written("s1", "m3");

        assertThat(ttft.count()).isZero();
    }

    private static Message batch(String messageId, long firstChunkId, Instant requestedAt) {
        long micros = requestedAt.getEpochSecond() * 1_000_000L + requestedAt.getNano() / 1_000;
        Headers headers = new Headers()
                .put(ChunkHeaders.SESSION_ID, "s1")
                .put(ChunkHeaders.MESSAGE_ID, messageId)
                .put(ChunkHeaders.FIRST_CHUNK_ID, Long.toString(firstChunkId))
                .put(ChunkHeaders.REQUESTED_AT, Long.toString(micros));
        return NatsMessage.builder().subject("chat.pod.p1.response").headers(headers).data(new byte[]{'{', '}'}).build();
    }
}
