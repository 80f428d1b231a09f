package dev.chatstream.loadtest.peers;

import dev.chatstream.loadtest.check.ChunkScan;
import dev.chatstream.loadtest.check.Timestamps;
import dev.chatstream.loadtest.sse.SseFrame;
import dev.chatstream.loadtest.sse.SseScanner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SSE clients: one connection per channel, opened once and read for the whole run, each checking that
 * its answers' chunk ids arrive once and in order and recording every chunk in the {@link Tally}. The
 * same readers (and the same parsing) for every server.
 */
final class PeerReaders {
    private static final int HANDSHAKES_AT_ONCE = 64;

    private final Vertx vertx;
    private final HttpClient client;
    private final String urlTemplate;
    private final Tally tally;
    private final AtomicInteger closedByServer = new AtomicInteger();

    /** {@code urlTemplate}: an http URL with {@code {channel}} where the channel name goes. */
    PeerReaders(Vertx vertx, String urlTemplate, int connections, Tally tally) {
        this.vertx = vertx;
        this.urlTemplate = urlTemplate;
        this.tally = tally;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(connections + 16).setMaxWaitQueueSize(-1));
    }

    /** Opens one stream per channel, at most 64 handshakes at a time; completes with the number open. */
    Future<Integer> open(int channels) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(HANDSHAKES_AT_ONCE, channels); i++) {
            lanes.add(openNext(next, channels, opened));
        }
        return Future.join(lanes).map(done -> opened.get());
    }

    int closedByServer() {
        return closedByServer.get();
    }

    void close() {
        client.close();
    }

    private Future<Void> openNext(AtomicInteger next, int channels, AtomicInteger opened) {
        int channel = next.getAndIncrement();
        if (channel >= channels) {
            return Future.succeededFuture();
        }
        return openOne(channel).transform(ar -> {
            if (ar.succeeded()) {
                opened.incrementAndGet();
            }
            return openNext(next, channels, opened);
        });
    }

    private Future<Void> openOne(int channel) {
        URI uri = URI.create(urlTemplate.replace("{channel}", PeerChunk.channelName(channel)));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
                .setPort(uri.getPort()).setURI(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()))
                .putHeader("Accept", "text/event-stream");
        return client.request(options).compose(request -> request.send()).compose(response -> {
            if (response.statusCode() != 200) {
                return Future.failedFuture("channel " + channel + ": HTTP " + response.statusCode());
            }
            Connection connection = new Connection();
            response.handler(connection.scanner::feed);
            response.endHandler(v -> closedByServer.incrementAndGet());
            return Future.succeededFuture();
        });
    }

    /** One stream's order check; used only on its connection's event loop. */
    private final class Connection {
        private final ChunkScan fields = new ChunkScan();
        private final ChunkPosition position = new ChunkPosition();
        private final SseScanner scanner = new SseScanner(this::onFrame);
        private long answer = -1;
        private long lastChunk = -1;

        private void onFrame(SseFrame frame) {
            if (frame.dataLength() <= 0) {
                return;
            }
            long arrived = Timestamps.nowEpochNanos();
            fields.scan(frame.dataBytes(), frame.dataLength());
            position.scan(frame.dataBytes(), frame.dataLength());
            if (fields.timestampNanos() == Long.MIN_VALUE || position.answer() < 0) {
                return;
            }
            if (position.answer() == answer) {
                if (position.chunkId() <= lastChunk) {
                    tally.repeated();
                    return;
                }
                if (position.chunkId() != lastChunk + 1) {
                    tally.gap();
                }
            } else if (position.chunkId() != 0) {
                tally.gap();
            }
            answer = position.answer();
            lastChunk = position.chunkId();
            tally.chunk(fields.timestampNanos(), arrived);
        }
    }
}
