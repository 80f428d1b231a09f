package dev.chatstream.system;

import dev.chatstream.testkit.NatsServer;
import dev.chatstream.testkit.RedisServer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Real NATS and Redis plus pods and workers as separate JVMs: the system as operators run it,
 * on loopback. One per test class.
 */
final class LocalCluster implements AutoCloseable {
    final NatsServer nats;
    final RedisServer redis;
    final List<PodProcess> pods = new ArrayList<>();
    final List<WorkerProcess> workers = new ArrayList<>();

    private LocalCluster(NatsServer nats, RedisServer redis) {
        this.nats = nats;
        this.redis = redis;
    }

    /** Starts NATS, Redis, {@code podCount} pods and {@code workerCount} workers with extra env for each side. */
    static LocalCluster start(int podCount, int workerCount, Map<String, String> podEnv, Map<String, String> workerEnv) {
        NatsServer nats = NatsServer.start();
        RedisServer redis = RedisServer.start();
        LocalCluster cluster = new LocalCluster(nats, redis);
        try {
            Map<String, String> common = Map.of("NATS_URL", nats.url(), "REDIS_URL", redis.url());
            List<CompletableFuture<?>> starting = new ArrayList<>();
            for (int i = 1; i <= workerCount; i++) {
                WorkerProcess worker = new WorkerProcess("worker-" + i, merge(common, Map.of(
                        "AI_PROVIDER", "demo", "DEMO_TOKEN_DELAY_MS", "10"), workerEnv));
                cluster.workers.add(worker);
                starting.add(CompletableFuture.runAsync(worker::start));
            }
            for (int i = 1; i <= podCount; i++) {
                PodProcess pod = new PodProcess("pod-" + i, merge(common, Map.of(), podEnv));
                cluster.pods.add(pod);
                starting.add(CompletableFuture.runAsync(pod::start));
            }
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    PodProcess pod(int index) {
        return pods.get(index);
    }

    WorkerProcess worker(int index) {
        return workers.get(index);
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b, Map<String, String> c) {
        Map<String, String> merged = new HashMap<>(a);
        merged.putAll(b);
        merged.putAll(c);
        return merged;
    }

    @Override
    public void close() {
        List<CompletableFuture<?>> stopping = new ArrayList<>();
        pods.forEach(p -> stopping.add(CompletableFuture.runAsync(p::close)));
        workers.forEach(w -> stopping.add(CompletableFuture.runAsync(w::close)));
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        nats.close();
        redis.close();
    }
}
