package dev.chatstream.loadtest.scale;

import dev.chatstream.loadtest.sse.ChunkListener;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Times, per connection, the first and the final chunk of the one fanned-out message after its POST. */
final class FanoutClock implements ChunkListener {
    final Recorder first = new Recorder(3);
    final Recorder last = new Recorder(3);
    final AtomicInteger finals = new AtomicInteger();
    final AtomicLong latestFirst = new AtomicLong();
    final AtomicLong latestFinal = new AtomicLong();
    private volatile long sentNanos;
    private volatile String messageId;

    void sent(String messageId, long nanos) {
        this.messageId = messageId;
        this.sentNanos = nanos;
    }

    @Override
    public void firstChunk(String id, long nanoTime) {
        if (id.equals(messageId)) {
            long elapsed = nanoTime - sentNanos;
            first.recordValue(Math.max(0, elapsed));
            latestFirst.accumulateAndGet(elapsed, Math::max);
        }
    }

    @Override
    public void finalChunk(String id, long nanoTime) {
        if (id.equals(messageId)) {
            long elapsed = nanoTime - sentNanos;
            last.recordValue(Math.max(0, elapsed));
            latestFinal.accumulateAndGet(elapsed, Math::max);
            finals.incrementAndGet();
        }
    }
}
