package dev.chatstream.loadtest.sse;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many streams with at most {@code concurrency} handshakes in flight, so thousands of
 * connections do not hit the server's accept backlog at once. Completes with the number opened;
 * a stream that fails three times stays closed (and is not expected to receive anything).
 */
public final class StreamOpener {
    private static final int ATTEMPTS = 3;

    private final Queue<SseStream> pending;
    private final int total;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final Promise<Integer> result = Promise.promise();

    private StreamOpener(List<SseStream> streams) {
        this.pending = new ArrayDeque<>(streams);
        this.total = streams.size();
    }

    public static Future<Integer> openAll(List<SseStream> streams, int concurrency) {
        StreamOpener opener = new StreamOpener(streams);
        if (streams.isEmpty()) {
            return Future.succeededFuture(0);
        }
        for (int i = 0; i < Math.min(concurrency, streams.size()); i++) {
            opener.next();
        }
        return opener.result.future();
    }

    private void next() {
        SseStream stream;
        synchronized (pending) {
            stream = pending.poll();
        }
        if (stream != null) {
            attempt(stream, 1);
        }
    }

    private void attempt(SseStream stream, int attempt) {
        stream.open().onComplete(ar -> {
            if (ar.failed() && attempt < ATTEMPTS) {
                attempt(stream, attempt + 1);
                return;
            }
            if (ar.succeeded()) {
                opened.incrementAndGet();
            }
            if (done.incrementAndGet() == total) {
                result.complete(opened.get());
            } else {
                next();
            }
        });
    }
}
