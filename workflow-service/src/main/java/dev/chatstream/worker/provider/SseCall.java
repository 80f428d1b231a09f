package dev.chatstream.worker.provider;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One streaming POST to a provider whose answer is a server-sent event stream. It owns the failure
 * modes every provider shares — HTTP error statuses, a connection cut mid-stream, a server that goes
 * silent for longer than the timeout — and ends the sink exactly once. The provider-specific
 * {@link Protocol} only interprets events and calls {@link #token}, {@link #complete} or {@link #fail}.
 */
final class SseCall implements Generation {
    private static final int ERROR_BODY_CHARS = 300;

    /** Interprets the events of one provider's stream. */
    interface Protocol {
        void onEvent(String event, String data, SseCall call);

        /** The server closed the stream normally; complete when the protocol saw enough, else fail. */
        void onEndOfStream(SseCall call);
    }

    private final Vertx vertx;
    private final TokenSink sink;
    private final long timeoutMs;
    private final SseParser parser;
    private final Protocol protocol;
    private HttpClientRequest request;
    private boolean ended;
    private boolean responseEnded;
    private long lastActivity;
    private long timerId = -1;

    private SseCall(Vertx vertx, TokenSink sink, Duration timeout, Protocol protocol) {
        this.vertx = vertx;
        this.sink = sink;
        this.timeoutMs = Math.max(1, timeout.toMillis());
        this.parser = new SseParser((event, data) -> {
            if (!ended) {
                protocol.onEvent(event, data, this);
            }
        });
        this.protocol = protocol;
    }

    /** Sends {@code body} as JSON to {@code url} and streams the answer into {@code sink}. */
    static SseCall start(Vertx vertx, HttpClient client, URI url, Map<String, String> headers, Buffer body,
                         Duration timeout, Protocol protocol, TokenSink sink) {
        SseCall call = new SseCall(vertx, sink, timeout, protocol);
        call.send(client, url, headers, body);
        return call;
    }

    private void send(HttpClient client, URI url, Map<String, String> headers, Buffer body) {
        touch();
        armTimer(timeoutMs);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url.toString())
                .setConnectTimeout(timeoutMs)
                .putHeader("content-type", "application/json")
                .putHeader("accept", "text/event-stream");
        headers.forEach(options::putHeader);
        client.request(options)
                .compose(req -> {
                    request = req;
                    if (ended) {
                        req.reset();
                    }
                    return req.send(body);
                })
                .onSuccess(this::onResponse)
                .onFailure(err -> fail(ProviderFailure.CONNECTION_LOST, "request failed: " + describe(err)));
    }

    private void onResponse(HttpClientResponse response) {
        touch();
        if (ended) {
            return;
        }
        if (response.statusCode() >= 400) {
            response.body()
                    .onSuccess(b -> {
                        responseEnded = true;
                        fail(ProviderFailure.httpStatus(response.statusCode(), "HTTP " + response.statusCode() + ": " + snippet(b)));
                    })
                    .onFailure(err -> fail(ProviderFailure.httpStatus(response.statusCode(), "HTTP " + response.statusCode())));
            return;
        }
        response.handler(buffer -> {
            touch();
            parser.feed(buffer);
        });
        response.exceptionHandler(err -> fail(ProviderFailure.CONNECTION_LOST, "stream broke: " + describe(err)));
        response.endHandler(v -> {
            responseEnded = true;
            if (!ended) {
                parser.feed(Buffer.buffer("\n\n"));
            }
            if (!ended) {
                protocol.onEndOfStream(this);
            }
        });
    }

    void token(String text) {
        if (!ended) {
            sink.onToken(text);
        }
    }

    void complete(Completion completion) {
        if (end()) {
            sink.onComplete(completion);
        }
    }

    void fail(String code, String detail) {
        fail(new ProviderFailure(code, detail));
    }

    void fail(ProviderFailure failure) {
        if (end()) {
            sink.onFailure(failure);
        }
    }

    @Override
    public void cancel() {
        end();
    }

    private boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        if (request != null && !responseEnded) {
            // Stop the transfer: on HTTP/1.1 this closes the connection, so the server stops generating.
            request.reset();
        }
        return true;
    }

    private void touch() {
        lastActivity = System.nanoTime();
    }

    /** One timer per call, re-armed for the remaining time instead of being replaced on every buffer. */
    private void armTimer(long delayMs) {
        timerId = vertx.setTimer(Math.max(1, delayMs), id -> {
            timerId = -1;
            if (ended) {
                return;
            }
            long silentMs = (System.nanoTime() - lastActivity) / 1_000_000;
            if (silentMs >= timeoutMs) {
                fail(ProviderFailure.TIMEOUT, "no data from the provider for " + silentMs + " ms");
            } else {
                armTimer(timeoutMs - silentMs);
            }
        });
    }

    private static String snippet(Buffer body) {
        String text = body.toString().replaceAll("\\s+", " ").trim();
        return text.length() <= ERROR_BODY_CHARS ? text : text.substring(0, ERROR_BODY_CHARS) + "...";
    }

    private static String describe(Throwable err) {
        return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    }
}
