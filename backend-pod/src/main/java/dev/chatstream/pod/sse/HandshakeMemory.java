package dev.chatstream.pod.sse;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * An SSE stream lives for minutes or hours on a request Vert.x keeps whole, and a pod holds tens of
 * thousands of them. Once the response head is on the wire nothing reads the handshake again: the
 * request headers (a browser's cookies, user agent, accept-language: often 1-2 KiB) and the response
 * headers already sent. This drops their entries so they are not kept for the stream's lifetime (the maps
 * themselves stay). HTTP/1.x only: an HTTP/2 stream is left as it is. The stream route has no named path
 * parameter, so the request has no parameter map to drop; do not call {@code request.params()} here, it
 * would build one.
 */
final class HandshakeMemory {
    private HandshakeMemory() {
    }

    /** Call on the request's event loop, after the handler has read what it needs and the head was written. */
    static void release(HttpServerRequest request, HttpServerResponse response) {
        if (request.version() == HttpVersion.HTTP_2 || !response.headWritten()) {
            return;
        }
        request.headers().clear();
        response.headers().clear();
    }
}
