package dev.chatstream.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A local JetStream cluster of {@code nats-server} processes joined by routes on loopback, for
 * replicated streams and node-loss tests. Binaries only (routes between containers need a network
 * the fixture does not manage).
 */
public final class NatsCluster implements AutoCloseable {
    private final List<BinaryNatsServer> nodes;

    private NatsCluster(List<BinaryNatsServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts {@code size} nodes and waits until every node reports healthy (a JetStream meta leader exists). */
    public static NatsCluster start(int size) {
        String clusterName = "chat-test-" + FreePorts.next();
        List<Integer> routePorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            routePorts.add(FreePorts.next());
        }
        String routes = routePorts.stream().map(p -> "nats-route://127.0.0.1:" + p).collect(Collectors.joining(","));
        List<Thread> starters = new ArrayList<>();
        BinaryNatsServer[] started = new BinaryNatsServer[size];
        RuntimeException[] failure = new RuntimeException[1];
        // Nodes start in parallel: each waits for the others to elect a meta leader before it is healthy.
        for (int i = 0; i < size; i++) {
            int index = i;
            Thread starter = new Thread(() -> {
                try {
                    started[index] = BinaryNatsServer.launch("node" + index, List.of(
                            "--cluster_name", clusterName,
                            "--cluster", "nats://127.0.0.1:" + routePorts.get(index),
                            "--routes", routes), null, null);
                } catch (RuntimeException e) {
                    failure[0] = e;
                }
            }, "nats-node-" + i);
            starters.add(starter);
            starter.start();
        }
        for (Thread starter : starters) {
            try {
                starter.join(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the cluster");
            }
        }
        List<BinaryNatsServer> nodes = new ArrayList<>(List.of(started));
        if (failure[0] != null || nodes.contains(null)) {
            nodes.stream().filter(n -> n != null).forEach(BinaryNatsServer::kill);
            throw failure[0] != null ? failure[0] : new IllegalStateException("cluster did not start");
        }
        return new NatsCluster(nodes);
    }

    /** Every node's client URL, comma-separated, as {@code NATS_URL} takes them. */
    public String urls() {
        return nodes.stream().map(BinaryNatsServer::url).collect(Collectors.joining(","));
    }

    public NatsServer node(int index) {
        return nodes.get(index);
    }

    public int size() {
        return nodes.size();
    }

    /** Waits until every running node reports healthy again (e.g. after a restart). */
    public void awaitHealthy(Duration timeout) {
        for (BinaryNatsServer node : nodes) {
            if (node.isRunning()) {
                node.awaitReady(timeout);
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(BinaryNatsServer::kill);
    }
}
