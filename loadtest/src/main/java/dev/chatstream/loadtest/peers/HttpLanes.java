package dev.chatstream.loadtest.peers;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A few keep-alive HTTP/1.1 connections for publishing, each request written whole in one write and
 * pipelined behind the previous ones (no wait for the answer), answers read in order and checked for a 2xx
 * status. Requests on one lane reach the server in the order sent, so a channel kept on one lane keeps its
 * chunks in order. Lighter than a general HTTP client for this: the driver's own cost and queueing must not
 * be charged to the server it measures.
 */
final class HttpLanes {
    static final int MOST_WAITING = 50_000;

    private final List<Lane> lanes = new ArrayList<>();
    private final Vertx vertx;
    private final NetClient client;
    private final String host;
    private final int port;
    private final AtomicLong failures = new AtomicLong();
    private final InFlight inFlight = new InFlight();

    private HttpLanes(Vertx vertx, NetClient client, String host, int port) {
        this.vertx = vertx;
        this.client = client;
        this.host = host;
        this.port = port;
    }

    static HttpLanes connect(Vertx vertx, String host, int port, int count) {
        NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
        HttpLanes lanes = new HttpLanes(vertx, client, host, port);
        List<Future<NetSocket>> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(client.connect(port, host));
        }
        Future.all(sockets).await();
        for (Future<NetSocket> socket : sockets) {
            lanes.lanes.add(lanes.new Lane(socket.result()));
        }
        return lanes;
    }

    int size() {
        return lanes.size();
    }

    /**
     * POSTs {@code body} to {@code path} on lane {@code lane}; past {@link #MOST_WAITING} requests waiting for
     * their answer the publish is dropped and counted as failed, so a server that falls behind shows as loss
     * instead of an ever-growing queue in the driver.
     */
    void post(int lane, String path, byte[] body, String contentType) {
        if (inFlight.current() >= MOST_WAITING) {
            failures.incrementAndGet();
            return;
        }
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Buffer request = Buffer.buffer(head.length + body.length).appendBytes(head).appendBytes(body);
        inFlight.started();
        lanes.get(lane).send(request);
    }

    long failures() {
        return failures.get();
    }

    int maxInFlight() {
        return inFlight.takeMax();
    }

    void close() {
        lanes.forEach(Lane::close);
        client.close();
    }

    /**
     * One connection and the parser of its answers (Content-Length bodies, as Nchan and Pushpin send). A
     * connection the server closes is replaced; the requests that were waiting on it count as failed.
     */
    private final class Lane {
        private NetSocket socket;
        private Buffer pending = Buffer.buffer();
        private final List<Buffer> queued = new ArrayList<>();
        private int waiting;
        private boolean closing;

        Lane(NetSocket socket) {
            attach(socket);
        }

        synchronized void send(Buffer request) {
            waiting++;
            if (socket == null) {
                queued.add(request);
            } else {
                socket.write(request);
            }
        }

        synchronized void close() {
            closing = true;
            if (socket != null) {
                socket.close();
            }
        }

        private void attach(NetSocket connected) {
            connected.handler(this::onData);
            connected.closeHandler(v -> reconnect());
            synchronized (this) {
                socket = connected;
                queued.forEach(connected::write);
                queued.clear();
            }
        }

        private void reconnect() {
            synchronized (this) {
                if (closing) {
                    return;
                }
                int lost = waiting - queued.size();
                failures.addAndGet(lost);
                for (int i = 0; i < lost; i++) {
                    inFlight.ended();
                }
                waiting = queued.size();
                socket = null;
                pending = Buffer.buffer();
            }
            client.connect(port, host).onSuccess(this::attach)
                    .onFailure(e -> vertx.setTimer(100, t -> reconnect()));
        }

        private void onData(Buffer data) {
            pending.appendBuffer(data);
            int at = 0;
            while (true) {
                int headEnd = indexOf(pending, at);
                if (headEnd < 0) {
                    break;
                }
                String head = pending.getString(at, headEnd, "ISO-8859-1");
                int bodyLength = contentLength(head);
                int end = headEnd + 4 + bodyLength;
                if (end > pending.length()) {
                    break;
                }
                if (!(head.startsWith("HTTP/1.1 2") || head.startsWith("HTTP/1.0 2"))) {
                    failures.incrementAndGet();
                }
                synchronized (this) {
                    waiting--;
                }
                inFlight.ended();
                at = end;
            }
            if (at > 0) {
                pending = pending.getBuffer(at, pending.length());
            }
        }

        private int indexOf(Buffer buffer, int from) {
            for (int i = from; i + 3 < buffer.length(); i++) {
                if (buffer.getByte(i) == '\r' && buffer.getByte(i + 1) == '\n' && buffer.getByte(i + 2) == '\r'
                        && buffer.getByte(i + 3) == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private int contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Integer.parseInt(line.substring("content-length:".length()).strip());
                }
            }
            return 0;
        }
    }
}
