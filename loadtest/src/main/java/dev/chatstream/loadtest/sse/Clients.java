package dev.chatstream.loadtest.sse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP clients of a run. SSE streams each hold one HTTP/1.1 connection for their lifetime, so
 * their pool is as large as the number of streams; with {@code localAddresses > 1} there is one
 * client per source address 127.0.0.1..N, each with its own ~28k ephemeral ports (loopback only).
 * With {@code http2}, streams share HTTP/2 cleartext (prior knowledge) connections instead, up to
 * {@link #HTTP2_STREAMS_PER_CONNECTION} each (the pod's Vert.x default for concurrent streams), as a
 * browser's tabs or a proxy's clients would. POSTs use a separate small keep-alive pool.
 */
public final class Clients implements AutoCloseable {
    private final List<HttpClientAgent> streamClients = new ArrayList<>();
    private final HttpClientAgent postClient;

    /** Concurrent streams per HTTP/2 connection: Vert.x servers announce 100 by default. */
    public static final int HTTP2_STREAMS_PER_CONNECTION = 100;

    public Clients(Vertx vertx, int streams, int localAddresses, int postConnections, boolean http2) {
        for (int i = 0; i < localAddresses; i++) {
            HttpClientOptions options = base().setIdleTimeout(0);
            if (localAddresses > 1) {
                options.setLocalAddress("127.0.0." + (i + 1));
            }
            int perClient = (streams + localAddresses - 1) / localAddresses + 16;
            PoolOptions pool = new PoolOptions().setHttp1MaxSize(perClient).setMaxWaitQueueSize(-1);
            if (http2) {
                options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                        .setHttp2MultiplexingLimit(HTTP2_STREAMS_PER_CONNECTION);
                pool.setHttp2MaxSize(perClient / HTTP2_STREAMS_PER_CONNECTION + 1);
            }
            streamClients.add(vertx.createHttpClient(options, pool));
        }
        postClient = vertx.createHttpClient(base(),
                new PoolOptions().setHttp1MaxSize(postConnections).setMaxWaitQueueSize(-1));
    }

    private static HttpClientOptions base() {
        return new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout(10_000)
                .setDecompressionSupported(false)
                .setReuseAddress(true);
    }

    /** The stream client for the {@code index}-th stream (spread over source addresses). */
    public HttpClient forStream(int index) {
        return streamClients.get(index % streamClients.size());
    }

    public HttpClient forPosts() {
        return postClient;
    }

    @Override
    public void close() {
        streamClients.forEach(HttpClient::close);
        postClient.close();
    }
}
