package dev.chatstream.system;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * An SSE client like a browser tab: connects to one pod, parses events, records them, and can
 * reconnect with {@code Last-Event-ID} as {@code EventSource} does.
 */
final class SseClient implements AutoCloseable {
    private final HttpClient client;
    private final List<SseEvent> events = new CopyOnWriteArrayList<>();
    private final StringBuilder pending = new StringBuilder();
    private volatile HttpClientResponse response;
    private volatile int status;
    private volatile boolean ended;
    private volatile Integer retryHint;
    /** A JWT sent as {@code access_token} on every (re)connection, as an EventSource of a signed-in page does. */
    private volatile String accessToken;

    private SseClient(HttpClient client) {
        this.client = client;
    }

    /** Opens {@code GET /api/sessions/{sid}/stream} on {@code port}; {@code lastEventId} may be null. */
    static SseClient open(Vertx vertx, int port, String sessionId, String lastEventId) {
        SseClient sse = new SseClient(vertx.createHttpClient());
        sse.connect(port, sessionId, lastEventId);
        return sse;
    }

    /** Opens the stream as the user of {@code accessToken} (a JWT, sent as the access_token query parameter). */
    static SseClient openAs(Vertx vertx, int port, String sessionId, String accessToken, String lastEventId) {
        SseClient sse = new SseClient(vertx.createHttpClient());
        sse.accessToken = accessToken;
        sse.connect(port, sessionId, lastEventId);
        return sse;
    }

    /** Opens a first connection with {@code ?lastEventId=} as a reloaded page does. */
    static SseClient openWithQuery(Vertx vertx, int port, String sessionId, String lastEventId) {
        SseClient sse = new SseClient(vertx.createHttpClient());
        sse.connectUri(port, "/api/sessions/" + sessionId + "/stream?lastEventId=" + lastEventId, null);
        return sse;
    }

    /** Reconnects to {@code port} (possibly another pod) with the last id seen, as EventSource does. */
    void reconnect(int port, String sessionId) {
        closeConnection();
        ended = false;
        connect(port, sessionId, lastId());
    }

    private void connect(int port, String sessionId, String lastEventId) {
        connectUri(port, "/api/sessions/" + sessionId + "/stream"
                + (accessToken == null ? "" : "?access_token=" + accessToken), lastEventId);
    }

    private void connectUri(int port, String uri, String lastEventId) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
                .setURI(uri).addHeader("Accept", "text/event-stream");
        if (lastEventId != null) {
            options.addHeader("Last-Event-ID", lastEventId);
        }
        synchronized (pending) {
            pending.setLength(0);
        }
        HttpClientResponse connected;
        try {
            // Handlers are set on the event loop as the response arrives, so no early bytes are missed.
            connected = client.request(options).compose(req -> req.send()).map(resp -> {
                        resp.handler(this::onData);
                        resp.endHandler(v -> ended = true);
                        resp.exceptionHandler(e -> ended = true);
                        return resp;
                    })
                    .await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open stream on port " + port, e);
        }
        status = connected.statusCode();
        response = connected;
    }

    private void onData(Buffer buffer) {
        synchronized (pending) {
            pending.append(buffer.toString());
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                String block = pending.substring(0, end);
                pending.delete(0, end + 2);
                parse(block);
            }
        }
    }

    private void parse(String block) {
        String event = null;
        String id = null;
        StringBuilder data = null;
        for (String line : block.split("\n", -1)) {
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "id" -> id = value;
                case "retry" -> retryHint = Integer.parseInt(value.trim());
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                default -> { }
            }
        }
        if (data != null) {
            events.add(new SseEvent(event == null ? "message" : event, id, data.toString(), System.nanoTime()));
        }
    }

    int status() {
        return status;
    }

    boolean ended() {
        return ended;
    }

    Integer retryHint() {
        return retryHint;
    }

    List<SseEvent> events() {
        return new ArrayList<>(events);
    }

    /** Chunk events of one message, in arrival order. */
    List<SseEvent> chunks(String messageId) {
        return events.stream().filter(SseEvent::isChunk).filter(e -> messageId.equals(e.messageId())).toList();
    }

    String lastId() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).id() != null && !events.get(i).id().isEmpty()) {
                return events.get(i).id();
            }
        }
        return null;
    }

    /** Waits until the final chunk of {@code messageId} arrived. */
    void awaitFinal(String messageId, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> chunks(messageId).stream().anyMatch(SseEvent::isFinal));
    }

    void awaitEvent(Duration timeout, Predicate<SseEvent> condition) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> events.stream().anyMatch(condition));
    }

    void awaitChunks(String messageId, int atLeast, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> chunks(messageId).size() >= atLeast);
    }

    /**
     * Closes the connection and waits until it is closed: bytes already read are handed to
     * {@link #onData} before that, so nothing arrives after this returns (a resume cursor taken then
     * is really the last event seen).
     */
    private void closeConnection() {
        HttpClientResponse r = response;
        if (r != null) {
            try {
                r.request().connection().close().await(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        closeConnection();
        client.close();
    }
}
