package dev.chatstream.testkit;

/**
 * A real {@code nats-server} with JetStream, on a free loopback port, for one test class.
 * {@link #kill()} and {@link #restart()} keep the port and the store, so clients reconnect and
 * file-stored streams survive, as in production.
 */
public interface NatsServer extends AutoCloseable {

    /** Starts a single server: a binary on PATH, or a container when a Docker engine is available. */
    static NatsServer start() {
        return switch (ServerMode.current()) {
            case DOCKER -> ContainerNatsServer.start();
            case BINARY -> BinaryNatsServer.single();
        };
    }

    /** {@code nats://127.0.0.1:<port>}. */
    String url();

    int port();

    /** SIGKILL the server. */
    void kill();

    /** Graceful stop. */
    void stop();

    /** Start again after {@link #kill()} or {@link #stop()}, on the same port with the same store; waits until ready. */
    void restart();

    boolean isRunning();

    @Override
    void close();
}
