package dev.chatstream.loadtest.peers;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushpin: chunks go in HTTP publishes ({@code POST /publish/} on the handler's HTTP port, one item per
 * chunk, format {@code http-stream} holding the finished SSE event), the way an application publishes to
 * Pushpin's HTTP API. Pushpin answers each publish with {@code Connection: close}, so a publish costs a
 * connection: one is in flight at a time (which also keeps every channel's chunks in order), and the chunks
 * that fall due meanwhile go together in the next one (at most 500 items each). The SSE text is ours: {@code event: chunk}, our
 * {@code <message_id>:<chunk_id>} id, the chunk JSON as data.
 */
final class PushpinPublisher implements ChunkPublisher {
    /** Pushpin 1.36 answers 400 to a publish of some thousands of items; the rest waits for the next one. */
    private static final int MOST_ITEMS = 500;

    private final HttpClient client;
    private final RequestOptions request;
    private final AtomicLong failures = new AtomicLong();
    private final List<PeerChunk> waiting = new ArrayList<>();
    private boolean sending;
    private boolean closed;
    private int mostInOnePublish;

    PushpinPublisher(Vertx vertx, String host, int port) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(1));
        this.request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI("/publish/")
                .putHeader("Content-Type", "application/json");
    }

    @Override
    public void publish(List<PeerChunk> due) {
        synchronized (waiting) {
            waiting.addAll(due);
            if (sending || waiting.isEmpty()) {
                return;
            }
            sending = true;
        }
        sendWaiting();
    }

    private void sendWaiting() {
        List<PeerChunk> batch;
        synchronized (waiting) {
            if (waiting.isEmpty() || closed) {
                sending = false;
                return;
            }
            List<PeerChunk> first = waiting.subList(0, Math.min(MOST_ITEMS, waiting.size()));
            batch = new ArrayList<>(first);
            first.clear();
            mostInOnePublish = Math.max(mostInOnePublish, batch.size());
        }
        client.request(request)
                .compose(req -> req.send(Buffer.buffer(body(batch))))
                .onComplete(ar -> {
                    if (ar.failed() || ar.result().statusCode() / 100 != 2) {
                        if (failures.getAndAdd(batch.size()) == 0) {
                            System.err.println("pushpin publish of " + batch.size() + " chunks failed: "
                                    + (ar.failed() ? ar.cause() : "HTTP " + ar.result().statusCode()));
                        }
                    }
                    sendWaiting();
                });
    }

    private static byte[] body(List<PeerChunk> chunks) {
        StringBuilder body = new StringBuilder(chunks.size() * 420).append("{\"items\":[");
        for (int i = 0; i < chunks.size(); i++) {
            PeerChunk chunk = chunks.get(i);
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"channel\":\"").append(chunk.channel()).append("\",\"formats\":{\"http-stream\":{\"content\":\"");
            String event = "event: chunk\nid: " + chunk.messageId() + ':' + chunk.chunkId() + "\ndata: "
                    + new String(chunk.json(), StandardCharsets.UTF_8) + "\n\n";
            appendJsonEscaped(body, event);
            body.append("\"}}}");
        }
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static void appendJsonEscaped(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    @Override
    public long failures() {
        return failures.get();
    }

    /** Here: the most chunks gathered into one publish since last asked (one publish is in flight at most). */
    @Override
    public int maxInFlight() {
        synchronized (waiting) {
            int most = mostInOnePublish;
            mostInOnePublish = 0;
            return most;
        }
    }

    @Override
    public String describe() {
        return "HTTP POST /publish/ (one item per chunk), one at a time, chunks due meanwhile gathered into the next";
    }

    @Override
    public void close() {
        synchronized (waiting) {
            closed = true;
        }
        client.close();
    }
}
