package dev.chatstream.testkit;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, for one test class.
 * {@link #restart()} reuses the port (data is gone, as after a real crash without persistence).
 */
public interface RedisServer extends AutoCloseable {

    /** Starts a server: a binary on PATH, or a container when a Docker engine is available. */
    static RedisServer start() {
        return switch (ServerMode.current()) {
            case DOCKER -> ContainerRedisServer.start();
            case BINARY -> BinaryRedisServer.start();
        };
    }

    /** {@code redis://127.0.0.1:<port>}. */
    String url();

    int port();

    void kill();

    void stop();

    void restart();

    boolean isRunning();

    @Override
    void close();
}
