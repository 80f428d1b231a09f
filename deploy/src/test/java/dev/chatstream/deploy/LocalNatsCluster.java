package dev.chatstream.deploy;

import dev.chatstream.testkit.Binaries;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.ManagedProcess;
import dev.chatstream.testkit.TestLogs;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Three {@code nats-server} processes running the real {@code deploy/nats} configuration on loopback:
 * the same file with only the listen addresses, the route URLs and the two paths substituted
 * ({@link #localVariant}); {@code accounts.conf} is copied unchanged.
 */
final class LocalNatsCluster implements AutoCloseable {
    static final int SIZE = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    /** One node: its ports, its directory (config, pid file, store) and its process. */
    record Node(String name, int clientPort, int routePort, int monitorPort, Path dir, ManagedProcess process) {
        String url() {
            return "nats://127.0.0.1:" + clientPort;
        }

        Path pidFile() {
            return dir.resolve("nats.pid");
        }

        boolean healthy() {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + monitorPort + "/healthz")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private final List<Node> nodes;

    private LocalNatsCluster(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** Starts the three nodes with {@code secrets} (the passwords accounts.conf reads) and waits until all are healthy. */
    static LocalNatsCluster start(Map<String, String> secrets) {
        return start(secrets, null);
    }

    /**
     * The same with the Kubernetes TLS variant ({@code k8s/components/nats-tls/nats-tls.conf}, which includes
     * nats.conf), its certificate paths pointed at {@code certificates} ({@code tls.crt}, {@code tls.key},
     * {@code ca.crt}); null runs plain nats.conf.
     */
    static LocalNatsCluster start(Map<String, String> secrets, Path certificates) {
        Path binary = Binaries.find("nats-server").orElseThrow(() -> new IllegalStateException("nats-server is not on PATH"));
        String conf = read(DeployFiles.natsConf());
        List<Integer> routePorts = List.of(FreePorts.next(), FreePorts.next(), FreePorts.next());
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < SIZE; i++) {
                String name = "nats-" + i;
                int clientPort = FreePorts.next();
                int monitorPort = FreePorts.next();
                Path dir = Files.createTempDirectory("chat-nats-conf-" + i + "-");
                Path variant = dir.resolve("nats.conf");
                Files.writeString(variant, localVariant(conf, clientPort, monitorPort, routePorts.get(i), routePorts,
                        dir.resolve("nats.pid"), dir.resolve("jetstream")));
                Files.copy(DeployFiles.accountsConf(), dir.resolve("accounts.conf"));
                if (certificates != null) {
                    variant = dir.resolve("nats-tls.conf");
                    Files.writeString(variant, localTlsVariant(read(DeployFiles.resolve("k8s/components/nats-tls/nats-tls.conf")),
                            routePorts.get(i), routePorts, certificates));
                }
                Map<String, String> env = new HashMap<>(secrets);
                env.put("SERVER_NAME", name);
                List<String> command = new ArrayList<>(List.of(binary.toString(), "-c", variant.toString()));
                if (Boolean.getBoolean("deploy.nats.trace")) {
                    // -Ddeploy.nats.trace=true: log every protocol line, e.g. to see which subjects jnats uses.
                    command.add("-V");
                }
                ManagedProcess process = ManagedProcess.start(name, command, env, TestLogs.file("deploy-" + name + "-" + clientPort + ".log"));
                nodes.add(new Node(name, clientPort, routePorts.get(i), monitorPort, dir, process));
            }
            // Healthy means a JetStream meta leader exists: only once the routes have formed the cluster.
            for (Node node : nodes) {
                node.process().await("healthy", Duration.ofSeconds(60), node::healthy);
            }
            return new LocalNatsCluster(nodes);
        } catch (IOException e) {
            nodes.forEach(n -> n.process().kill());
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            nodes.forEach(n -> n.process().kill());
            throw e;
        }
    }

    /**
     * {@code conf} for one loopback node: client, monitoring and cluster listen addresses, the three
     * route URLs, the pid file and the store directory replaced; every other line unchanged.
     */
    static String localVariant(String conf, int clientPort, int monitorPort, int routePort, List<Integer> routePorts,
                               Path pidFile, Path storeDir) {
        String out = replaceOnce(conf, "listen: 0.0.0.0:4222", "listen: 127.0.0.1:" + clientPort);
        out = replaceOnce(out, "http: 0.0.0.0:8222", "http: 127.0.0.1:" + monitorPort);
        out = replaceOnce(out, "listen: 0.0.0.0:6222", "listen: 127.0.0.1:" + routePort);
        out = replaceOnce(out, "\"/var/run/nats/nats.pid\"", "\"" + pidFile + "\"");
        out = replaceOnce(out, "\"/data/jetstream\"", "\"" + storeDir + "\"");
        for (int i = 0; i < routePorts.size(); i++) {
            out = replaceOnce(out, "nats-route://nats-" + i + ".nats-headless:6222", "nats-route://127.0.0.1:" + routePorts.get(i));
        }
        return out;
    }

    /** The TLS variant for one loopback node: the cluster block's listen address, routes and certificate paths. */
    static String localTlsVariant(String conf, int routePort, List<Integer> routePorts, Path certificates) {
        String out = replaceOnce(conf, "listen: 0.0.0.0:6222", "listen: 127.0.0.1:" + routePort);
        for (int i = 0; i < routePorts.size(); i++) {
            out = replaceOnce(out, "nats-route://nats-" + i + ".nats-headless:6222", "nats-route://127.0.0.1:" + routePorts.get(i));
        }
        return out.replace("\"/etc/nats-tls/", "\"" + certificates + "/");
    }

    private static String replaceOnce(String text, String from, String to) {
        int first = text.indexOf(from);
        if (first < 0 || text.indexOf(from, first + 1) >= 0) {
            throw new IllegalStateException("expected exactly one '" + from + "' in deploy/nats/nats.conf");
        }
        return text.replace(from, to);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /** Every node's client URL, comma-separated, as NATS_URL takes them. */
    String urls() {
        return nodes.stream().map(Node::url).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        nodes.forEach(n -> n.process().kill());
        for (Node node : nodes) {
            try (var files = Files.walk(node.dir())) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }
}
