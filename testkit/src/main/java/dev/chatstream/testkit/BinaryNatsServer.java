package dev.chatstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code nats-server -js} from PATH, with its own store directory and monitoring port. */
final class BinaryNatsServer implements NatsServer {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final int port;
    private final int monitorPort;
    private final ManagedProcess process;

    private BinaryNatsServer(int port, int monitorPort, ManagedProcess process) {
        this.port = port;
        this.monitorPort = monitorPort;
        this.process = process;
    }

    static BinaryNatsServer single() {
        return launch("nats", List.of(), null, null);
    }

    /**
     * Starts one server; {@code clusterArgs} adds route options, {@code name} the server name
     * (JetStream clustering needs one). {@code configFile} when not null is passed with {@code -c}.
     */
    static BinaryNatsServer launch(String name, List<String> clusterArgs, Path configFile, Path storeDir) {
        Path binary = Binaries.require("nats-server", "nats-server", "nats-server");
        int port = FreePorts.next();
        int monitorPort = FreePorts.next();
        try {
            Path store = storeDir != null ? storeDir : Files.createTempDirectory("nats-js-");
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                    "-a", "127.0.0.1", "-p", Integer.toString(port), "-m", Integer.toString(monitorPort),
                    "-js", "-sd", store.toString(), "-n", name + "-" + port));
            if (configFile != null) {
                command.add("-c");
                command.add(configFile.toString());
            }
            command.addAll(clusterArgs);
            ManagedProcess process = ManagedProcess.start("nats-server " + name, command, Map.of(),
                    TestLogs.file("nats-" + name + "-" + port + ".log"));
            BinaryNatsServer server = new BinaryNatsServer(port, monitorPort, process);
            server.awaitReady(clusterArgs.isEmpty() ? Duration.ofSeconds(20) : Duration.ofSeconds(40));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitReady(Duration timeout) {
        process.awaitListening(port, timeout);
        process.await("healthy", timeout, this::healthy);
    }

    /** Waits for the port only; a clustered node is healthy only once a JetStream meta leader exists. */
    void awaitListening(Duration timeout) {
        process.awaitListening(port, timeout);
    }

    boolean healthy() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/healthz"))
                            .timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    @Override
    public int port() {
        return port;
    }

    int monitorPort() {
        return monitorPort;
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
        awaitReady(Duration.ofSeconds(30));
    }

    void restartWithoutWaitingForHealth() {
        process.start();
        process.awaitListening(port, Duration.ofSeconds(30));
    }

    @Override
    public boolean isRunning() {
        return process.isAlive();
    }

    ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        stop();
    }
}
