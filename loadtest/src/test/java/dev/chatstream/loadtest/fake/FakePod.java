package dev.chatstream.loadtest.fake;

import dev.chatstream.codec.MessageCodec;
import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a backend pod speaking the HTTP contract (POST messages → 202, SSE chunk events
 * with {@code id: <message_id>:<chunk_id>}), answering every message itself like the demo
 * provider with zero delay. It can misbehave on purpose so tests can see the generator notice.
 */
public final class FakePod implements AutoCloseable {

    /** How the fake pod corrupts its streams. */
    public enum Fault {
        NONE, DUPLICATE_CHUNK_2, DROP_CHUNK_2, SWAP_CHUNKS_1_AND_2,
        /** Closes each session's first stream after chunk 2 of the first message; resuming replays history. */
        CLOSE_FIRST_STREAM_AFTER_CHUNK_2,
        /** Events without {@code id:}, CRLF line ends, each event written in two reads split inside its data. */
        NO_IDS_CRLF_SPLIT,
        /** Ends every message with an {@code error} chunk (code {@code provider_failed}) and starts it with a {@code system} notice. */
        ERROR_AND_SYSTEM_CHUNKS,
        /**
         * Behaves like a pod in {@code AUTH_MODE=guest}: {@code GET /api/me} hands out a {@code chat_guest}
         * cookie; streams and posts need one, and a session belongs to the first guest who uses it (403 for others).
         */
        GUEST_OWNERSHIP
    }

    /** One framed event kept for replay on resume. */
    private record Event(String cursor, String frame) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, List<HttpServerResponse>> streams = new ConcurrentHashMap<>();
    private final Map<String, List<Event>> history = new ConcurrentHashMap<>();
    private final Map<String, HttpServerResponse> firstStream = new ConcurrentHashMap<>();
    private final MessageCodec codec = MessageCodec.standard();
    private final Fault fault;
    private final HttpServer server;

    private FakePod(Fault fault) throws Exception {
        this.fault = fault;
        this.server = vertx.createHttpServer().requestHandler(this::handle)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static FakePod start(Fault fault) throws Exception {
        return new FakePod(fault);
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private final Map<String, String> owners = new ConcurrentHashMap<>();

    private void handle(HttpServerRequest request) {
        if (fault == Fault.GUEST_OWNERSHIP && !guestAllowed(request)) {
            return;
        }
        String[] path = request.path().split("/");
        // /api/sessions/{sid}/stream or /api/sessions/{sid}/messages
        if (path.length == 5 && path[1].equals("api") && path[2].equals("sessions")) {
            String sid = path[3];
            if (path[4].equals("stream")) {
                openStream(sid, request);
                return;
            }
            if (path[4].equals("messages")) {
                request.body().onSuccess(body -> post(sid, request, body.toJsonObject()));
                return;
            }
        }
        request.response().setStatusCode(404).end();
    }

    /** Answers {@code /api/me} and refusals itself; true when the request may go on. */
    private boolean guestAllowed(HttpServerRequest request) {
        if (request.path().equals("/api/me")) {
            String user = "g-" + UUID.randomUUID();
            request.response().putHeader("Set-Cookie", "chat_guest=" + user + "; Path=/; HttpOnly; SameSite=Lax")
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("user_id", user).put("auth_mode", "guest").encode());
            return false;
        }
        io.vertx.core.http.Cookie cookie = request.getCookie("chat_guest");
        if (cookie == null) {
            request.response().setStatusCode(401).end();
            return false;
        }
        String[] path = request.path().split("/");
        if (path.length == 5 && !owners.computeIfAbsent(path[3], k -> cookie.getValue()).equals(cookie.getValue())) {
            request.response().setStatusCode(403).end();
            return false;
        }
        return true;
    }

    private void openStream(String sid, HttpServerRequest request) {
        HttpServerResponse response = request.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache");
        response.write(": connected\n\n");
        String lastEventId = request.getHeader("Last-Event-ID");
        if (lastEventId != null) {
            boolean after = false;
            for (Event event : history.getOrDefault(sid, List.of())) {
                if (after) {
                    response.write(event.frame());
                }
                after |= event.cursor().equals(lastEventId);
            }
        }
        firstStream.putIfAbsent(sid, response);
        List<HttpServerResponse> list = streams.computeIfAbsent(sid, k -> new CopyOnWriteArrayList<>());
        list.add(response);
        response.closeHandler(v -> list.remove(response));
    }

    private void post(String sid, HttpServerRequest request, JsonObject body) {
        String mid = request.getHeader("Idempotency-Key");
        if (mid == null) {
            mid = UUID.randomUUID().toString();
        }
        int maxTokens = body.getJsonObject("context", new JsonObject()).getInteger("max_tokens", 64);
        request.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("message_id", mid).put("correlation_id", "c-" + mid).encode());
        String messageId = mid;
        vertx.runOnContext(v -> emit(sid, messageId, maxTokens));
    }

    private void emit(String sid, String mid, int maxTokens) {
        List<Integer> order = new java.util.ArrayList<>();
        for (int i = 0; i <= maxTokens; i++) {
            order.add(i);
        }
        switch (fault) {
            case DUPLICATE_CHUNK_2 -> order.add(3, 2);
            case DROP_CHUNK_2 -> order.remove(Integer.valueOf(2));
            case SWAP_CHUNKS_1_AND_2 -> {
                order.set(1, 2);
                order.set(2, 1);
            }
            default -> { }
        }
        for (int id : order) {
            ResponseChunk chunk = chunk(sid, mid, id, maxTokens);
            String data = new String(codec.encode(chunk), StandardCharsets.UTF_8);
            String frame = fault == Fault.NO_IDS_CRLF_SPLIT
                    ? "event: chunk\r\ndata: " + data + "\r\n\r\n"
                    : "event: chunk\nid: " + mid + ":" + id + "\ndata: " + data + "\n\n";
            history.computeIfAbsent(sid, k -> new CopyOnWriteArrayList<>()).add(new Event(mid + ":" + id, frame));
            for (HttpServerResponse response : streams.getOrDefault(sid, List.of())) {
                if (fault == Fault.NO_IDS_CRLF_SPLIT) {
                    int cut = frame.length() / 2;
                    response.write(frame.substring(0, cut));
                    response.write(frame.substring(cut));
                } else {
                    response.write(frame);
                }
                if (fault == Fault.CLOSE_FIRST_STREAM_AFTER_CHUNK_2 && id == 2 && response == firstStream.get(sid)
                        && !response.ended()) {
                    streams.get(sid).remove(response);
                    response.end();
                }
            }
        }
    }

    private ResponseChunk chunk(String sid, String mid, int id, int maxTokens) {
        if (fault == Fault.ERROR_AND_SYSTEM_CHUNKS && id == maxTokens) {
            return ResponseChunk.failure(sid, mid, id, new ChunkError("provider_failed", "x"), "demo", "c-" + mid, Instant.now());
        }
        if (fault == Fault.ERROR_AND_SYSTEM_CHUNKS && id == 0) {
            return ResponseChunk.system(sid, mid, id, ResponseChunk.SYSTEM_RESTART, "c-" + mid, Instant.now());
        }
        return id == maxTokens
                ? ResponseChunk.finalChunk(sid, mid, id, new ChunkMetadata("demo", maxTokens, FinishReason.STOP), "c-" + mid, Instant.now())
                : ResponseChunk.content(sid, mid, id, "tok" + id + " \"is_final\":true ", "c-" + mid, Instant.now());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
