package dev.chatstream.testkit;

import java.util.List;

/** {@code redis:7} in a container without persistence. */
final class ContainerRedisServer implements RedisServer {
    private final ContainerServer server;

    private ContainerRedisServer(ContainerServer server) {
        this.server = server;
    }

    static ContainerRedisServer start() {
        return new ContainerRedisServer(new ContainerServer("redis:7-alpine", 6379,
                List.of("redis-server", "--save", "", "--appendonly", "no")));
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + server.hostPort();
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
