package dev.chatstream.pod.sse;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.routing.ClientSink;
import dev.chatstream.pod.resume.ClientConnection;
import dev.chatstream.pod.resume.Replayer;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class StreamReleaseTest {

    /** A sink nothing is written to. */
    private static final class IdleSink implements ClientSink {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void write(Buffer bytes) {
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void onDrain(Runnable task) {
        }

        @Override
        public void close(Buffer lastBytes) {
        }

        @Override
        public void abort() {
        }
    }

    @Test
    @DisplayName("close, end and exception of one stream detach it and free its slot exactly once")
    void releasesOnce() {
        SessionRouter router = new SessionRouter(new PodMetrics());
        ClientConnection kept = new ClientConnection("s", new IdleSink(), ChunkEventEncoder.INSTANCE, new PodMetrics(), Replayer.none(), null, null);
        router.attach(kept);
        ClientConnection leaving = new ClientConnection("s", new IdleSink(), ChunkEventEncoder.INSTANCE, new PodMetrics(), Replayer.none(), null, null);
        router.attach(leaving);
        AtomicInteger active = new AtomicInteger(2);
        StreamRelease release = new StreamRelease(router, leaving, active);

        release.handle(null);
        release.handle(null);
        release.handle(null);

        assertThat(active).hasValue(1);
        assertThat(router.connectionCount()).isEqualTo(1);
        assertThat(router.connections()).containsExactly(kept);
    }
}
