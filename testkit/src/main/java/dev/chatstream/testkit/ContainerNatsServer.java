package dev.chatstream.testkit;

import java.util.List;

/** {@code nats:2.10} in a container, JetStream on, store inside the container (kept across kill/restart). */
final class ContainerNatsServer implements NatsServer {
    private final ContainerServer server;

    private ContainerNatsServer(ContainerServer server) {
        this.server = server;
    }

    static ContainerNatsServer start() {
        return new ContainerNatsServer(new ContainerServer("nats:2.10-alpine", 4222, List.of("-js", "-sd", "/data")));
    }

    @Override
    public String url() {
        return "nats://127.0.0.1:" + server.hostPort();
    }

    @Override
    public int port() {
        return server.hostPort();
    }

    @Override
    public void kill() {
        server.kill();
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void restart() {
        server.restart();
    }

    @Override
    public boolean isRunning() {
        return server.isRunning();
    }

    @Override
    public void close() {
        server.close();
    }
}
