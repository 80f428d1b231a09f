package dev.chatstream.pod.support;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Reads an SSE stream over a plain HTTP client and parses the raw bytes into blocks. */
public final class SseClient implements AutoCloseable {
    private final HttpClientResponse response;
    private final List<SseEvent> events = new CopyOnWriteArrayList<>();
    private final StringBuilder raw = new StringBuilder();
    private final StringBuilder pending = new StringBuilder();
    private volatile boolean ended;

    private SseClient(HttpClientResponse response) {
        this.response = response;
        response.handler(buffer -> {
            synchronized (raw) {
                raw.append(buffer.toString());
                pending.append(buffer.toString());
                int end;
                while ((end = pending.indexOf("\n\n")) >= 0) {
                    events.add(parse(pending.substring(0, end)));
                    pending.delete(0, end + 2);
                }
            }
        });
        response.endHandler(v -> ended = true);
        response.exceptionHandler(e -> ended = true);
        response.request().connection().closeHandler(v -> ended = true);
    }

    static SseClient open(HttpClient client, String path, String... headers) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(path);
        for (int i = 0; i < headers.length; i += 2) {
            options.addHeader(headers[i], headers[i + 1]);
        }
        try {
            // Handlers are set in the callback that delivers the response head, before any body arrives.
            return client.request(options)
                    .compose(request -> request.send())
                    .map(SseClient::new)
                    .await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open " + path, e);
        }
    }

    private static SseEvent parse(String block) {
        String event = null;
        String id = null;
        String retry = null;
        String comment = null;
        StringBuilder data = null;
        for (String line : block.split("\n", -1)) {
            if (line.startsWith(":")) {
                comment = line.substring(1).trim();
            } else if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("retry: ")) {
                retry = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
            }
        }
        return new SseEvent(event, id, data == null ? null : data.toString(), retry, comment);
    }

    public int status() {
        return response.statusCode();
    }

    public MultiMap headers() {
        return response.headers();
    }

    /** Every block so far. */
    public List<SseEvent> events() {
        return List.copyOf(events);
    }

    /** Only {@code event: chunk} blocks. */
    public List<SseEvent> chunks() {
        return events.stream().filter(SseEvent::isChunk).toList();
    }

    /** The ids of the chunk events so far. */
    public List<String> chunkIds() {
        return chunks().stream().map(SseEvent::id).collect(Collectors.toList());
    }

    public String raw() {
        synchronized (raw) {
            return raw.toString();
        }
    }

    /** Whether the server ended the response or the connection closed. */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        try {
            response.request().connection().close();
        } catch (RuntimeException e) {
            // already closed
        }
    }
}
