package dev.chatstream.worker.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A tiny blocking Redis client for test set-up: one connection per command, replies read and discarded. */
public final class RespClient {
    private final int port;

    public RespClient(int port) {
        this.port = port;
    }

    public void command(String... args) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                cmd.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
            }
            out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            int first = in.read();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\r' && c >= 0; c = in.read()) {
                line.append((char) c);
            }
            if (first == '-') {
                throw new IllegalStateException("redis error: " + line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers {@code podId} for {@code sessionId} until now + ttl, as a pod does. */
    public void registerPod(String key, String podId, long ttlMs) {
        command("ZADD", key, Long.toString(System.currentTimeMillis() + ttlMs), podId);
    }
}
