package dev.chatstream.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code redis-server} from PATH. */
final class BinaryRedisServer implements RedisServer {
    private final int port;
    private final ManagedProcess process;

    private BinaryRedisServer(int port, ManagedProcess process) {
        this.port = port;
        this.process = process;
    }

    static BinaryRedisServer start() {
        String binary = Binaries.require("redis-server", "redis-server", "redis").toString();
        int port = FreePorts.next();
        ManagedProcess process = ManagedProcess.start("redis-server", List.of(binary,
                        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                        "--daemonize", "no", "--protected-mode", "yes"),
                Map.of(), TestLogs.file("redis-" + port + ".log"));
        process.awaitListening(port, Duration.ofSeconds(15));
        return new BinaryRedisServer(port, process);
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void stop() {
        process.stop(Duration.ofSeconds(10));
    }

    @Override
    public void restart() {
        process.start();
        process.awaitListening(port, Duration.ofSeconds(15));
    }

    @Override
    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        stop();
    }
}
