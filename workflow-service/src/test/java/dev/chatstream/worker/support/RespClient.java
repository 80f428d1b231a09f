package dev.chatstream.worker.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A tiny blocking Redis client for tests: one connection per command, only the first line of a reply read. */
public final class RespClient {
    private final int port;

    public RespClient(int port) {
        this.port = port;
    }

    public void command(String... args) {
        reply(args);
    }

    /** Runs a command whose reply is an integer (ZCARD, ZRANK of a present member ...). */
    public long integer(String... args) {
        String reply = reply(args);
        if (!reply.startsWith(":")) {
            throw new IllegalStateException("not an integer reply: " + reply);
        }
        return Long.parseLong(reply.substring(1));
    }

    /** The reply's first line, with its type character. */
    private String reply(String... args) {
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
            return (char) first + line.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers {@code podId} for {@code sessionId} until now + ttl, as a pod does. */
    public void registerPod(String key, String podId, long ttlMs) {
        command("ZADD", key, Long.toString(System.currentTimeMillis() + ttlMs), podId);
    }
}
