package dev.chatstream.loadtest.sse;

import dev.chatstream.loadtest.check.ChunkFields;
import dev.chatstream.loadtest.check.ChunkScan;
import dev.chatstream.loadtest.check.StreamChecker;
import dev.chatstream.loadtest.check.Timestamps;
import dev.chatstream.loadtest.metrics.RunMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One SSE connection to {@code GET /api/sessions/{sid}/stream}: parses events on its event loop,
 * checks every chunk with a {@link StreamChecker}, records pipeline latency from the chunk's
 * {@code timestamp}, and reconnects with {@code Last-Event-ID} when the server closes it while
 * the run is still going (a resumed stream must still deliver every chunk once, in order).
 */
public final class SseStream {
    private static final long RECONNECT_DELAY_MS = 250;
    private static final byte[] CHUNK = "chunk".getBytes(StandardCharsets.US_ASCII);

    private final Vertx vertx;
    private final HttpClient client;
    private final URI target;
    private final String sessionId;
    private final RunMetrics metrics;
    private final ChunkListener listener;
    private final dev.chatstream.loadtest.auth.Credential credential;
    private final StreamChecker checker = new StreamChecker();
    private final ChunkScan scan = new ChunkScan();
    private final EventIds ids = new EventIds();
    /** Arrival of the latest chunk per unfinished message, for the inter-chunk gap. */
    private final java.util.Map<String, Long> lastArrival = new java.util.HashMap<>();
    private volatile boolean established;
    private volatile boolean closing;
    private volatile HttpClientResponse response;

    public SseStream(Vertx vertx, HttpClient client, URI target, String sessionId, RunMetrics metrics,
                     ChunkListener listener, dev.chatstream.loadtest.auth.Credential credential) {
        this.credential = credential;
        this.vertx = vertx;
        this.client = client;
        this.target = target;
        this.sessionId = sessionId;
        this.metrics = metrics;
        this.listener = listener;
    }

    public String sessionId() {
        return sessionId;
    }

    /** Whether the stream was opened at least once (only those are expected to receive chunks). */
    public boolean established() {
        return established;
    }

    public StreamChecker checker() {
        return checker;
    }

    /** Opens the stream; completes when the server answered 200 with its headers. */
    public Future<Void> open() {
        return connect(null);
    }

    private Future<Void> connect(String lastEventId) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(target.getHost())
                .setPort(Targets.port(target))
                .setSsl(Targets.tls(target))
                .setURI("/api/sessions/" + sessionId + "/stream")
                .putHeader(HttpHeaders.ACCEPT, "text/event-stream");
        credential.applyTo(options);
        if (lastEventId != null) {
            options.putHeader("Last-Event-ID", lastEventId);
        }
        return client.request(options)
                .compose(request -> request.send())
                .compose(this::accept)
                .onFailure(e -> metrics.error(lastEventId == null ? "sse_connect_" + kind(e) : "sse_reconnect_" + kind(e)));
    }

    private Future<Void> accept(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            response.request().connection().close();
            return Future.failedFuture("status " + response.statusCode());
        }
        this.response = response;
        established = true;
        SseScanner scanner = new SseScanner(this::onEvent);
        response.handler(scanner::feed);
        response.exceptionHandler(e -> { });
        response.endHandler(v -> onClosed());
        response.request().connection().closeHandler(v -> onClosed());
        return Future.succeededFuture();
    }

    private void onClosed() {
        HttpClientResponse current = response;
        if (current == null || closing) {
            return;
        }
        response = null;
        metrics.error("sse_closed_by_server");
        vertx.setTimer(RECONNECT_DELAY_MS, id -> {
            if (!closing) {
                connect(checker.lastCursor()).onFailure(e -> onReconnectFailed());
            }
        });
    }

    private void onReconnectFailed() {
        vertx.setTimer(RECONNECT_DELAY_MS * 4, id -> {
            if (!closing) {
                connect(checker.lastCursor()).onFailure(e -> onReconnectFailed());
            }
        });
    }

    private void onEvent(SseFrame frame) {
        long nanoTime = System.nanoTime();
        long nowEpoch = Timestamps.epochNanosAt(nanoTime);
        if (!frame.eventIs(CHUNK)) {
            metrics.error("sse_event_" + frame.event());
            return;
        }
        byte[] data = frame.dataBytes();
        int dataLength = frame.dataLength();
        String messageId;
        long chunkId;
        byte[] id = frame.idBytes();
        int idLength = frame.idLength();
        int colon = EventIds.lastColon(id, idLength);
        if (colon > 0) {
            messageId = ids.messageId(id, colon);
            chunkId = EventIds.chunkId(id, colon + 1, idLength);
            if (chunkId < 0) {
                metrics.error("chunk_unreadable");
                return;
            }
        } else {
            metrics.error("sse_event_without_id");
            String text = frame.data();
            messageId = ChunkFields.string(text, "message_id");
            chunkId = ChunkFields.number(text, "chunk_id", -1);
            if (messageId == null || chunkId < 0) {
                metrics.error("chunk_unreadable");
                return;
            }
        }
        scan.scan(data, dataLength);
        boolean isFinal = scan.isFinal();
        long timestamp = scan.timestampNanos();
        if (timestamp == Long.MIN_VALUE) {
            metrics.error("chunk_without_timestamp");
        } else {
            metrics.recordPipeline(nowEpoch - timestamp);
        }
        if (scan.type() == ChunkScan.TYPE_ERROR) {
            metrics.error("chunk_error_" + ChunkFields.string(frame.data(), "code"));
        } else if (scan.type() == ChunkScan.TYPE_SYSTEM) {
            metrics.error("chunk_system_" + ChunkFields.string(frame.data(), "chunk"));
        }
        StreamChecker.Verdict verdict = checker.accept(messageId, chunkId, isFinal);
        if (verdict != StreamChecker.Verdict.DUPLICATE) {
            metrics.chunk(dataLength);
        }
        switch (verdict) {
            case FIRST -> listener.firstChunk(messageId, nanoTime);
            case DUPLICATE -> {
                // Not delivered: a duplicate does not count towards chunks/s.
                metrics.duplicates.increment();
                return;
            }
            case OUT_OF_ORDER -> metrics.outOfOrder.increment();
            case IN_ORDER -> { }
        }
        Long previous = lastArrival.put(messageId, nanoTime);
        if (previous != null) {
            metrics.recordGap(nanoTime - previous);
        }
        if (isFinal) {
            lastArrival.remove(messageId);
            listener.finalChunk(messageId, nanoTime);
        }
    }

    /** Closes the connection for good. */
    public void close() {
        closing = true;
        HttpClientResponse current = response;
        if (current != null) {
            current.request().connection().close();
        }
    }

    private static String kind(Throwable e) {
        if (e.getMessage() != null && e.getMessage().startsWith("status ")) {
            return "status_" + e.getMessage().substring(7);
        }
        String name = e.getClass().getSimpleName();
        return name.isEmpty() || name.equals("NoStackTraceThrowable") ? "failed" : name;
    }
}
