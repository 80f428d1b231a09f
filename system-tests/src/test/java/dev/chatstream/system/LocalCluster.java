package dev.chatstream.system;

import dev.chatstream.testkit.NatsCluster;
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
    final NatsCluster natsCluster;
    final RedisServer redis;
    final Map<String, String> podEnv;
    final Map<String, String> workerEnv;
    final List<PodProcess> pods = new ArrayList<>();
    final List<WorkerProcess> workers = new ArrayList<>();

    private LocalCluster(NatsServer nats, NatsCluster natsCluster, RedisServer redis,
                         Map<String, String> podEnv, Map<String, String> workerEnv) {
        this.nats = nats;
        this.natsCluster = natsCluster;
        this.redis = redis;
        String natsUrl = natsCluster != null ? natsCluster.urls() : nats.url();
        Map<String, String> common = Map.of("NATS_URL", natsUrl, "REDIS_URL", redis.url());
        // Tests about streaming, not identity, run without users; identity tests pass AUTH_MODE themselves.
        this.podEnv = merge(common, Map.of("AUTH_MODE", "none"), podEnv);
        this.workerEnv = merge(common, Map.of("AI_PROVIDER", "demo", "DEMO_TOKEN_DELAY_MS", "10"), workerEnv);
    }

    /** Starts NATS, Redis, {@code podCount} pods and {@code workerCount} workers with extra env for each side. */
    static LocalCluster start(int podCount, int workerCount, Map<String, String> podEnv, Map<String, String> workerEnv) {
        return start(NatsServer.start(), null, podCount, workerCount, podEnv, workerEnv);
    }

    /** Like {@link #start(int, int, Map, Map)} on a 3-node NATS cluster, streams with 3 replicas. */
    static LocalCluster startOnNatsCluster(int podCount, int workerCount, Map<String, String> podEnv, Map<String, String> workerEnv) {
        Map<String, String> replicated = Map.of("STREAM_REPLICAS", "3");
        return start(null, NatsCluster.start(3), podCount, workerCount, merge(podEnv, replicated, Map.of()),
                merge(workerEnv, replicated, Map.of()));
    }

    private static LocalCluster start(NatsServer nats, NatsCluster natsCluster, int podCount, int workerCount,
                                      Map<String, String> podEnv, Map<String, String> workerEnv) {
        RedisServer redis = RedisServer.start();
        LocalCluster cluster = new LocalCluster(nats, natsCluster, redis, podEnv, workerEnv);
        try {
            List<CompletableFuture<?>> starting = new ArrayList<>();
            for (int i = 1; i <= workerCount; i++) {
                WorkerProcess worker = cluster.newWorker("worker-" + i);
                starting.add(CompletableFuture.runAsync(worker::start));
            }
            for (int i = 1; i <= podCount; i++) {
                PodProcess pod = new PodProcess("pod-" + i, cluster.podEnv);
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

    /** A worker configured like the others, not started yet. */
    WorkerProcess newWorker(String id) {
        WorkerProcess worker = new WorkerProcess(id, workerEnv);
        workers.add(worker);
        return worker;
    }

    /** Starts one more pod, configured like the others plus {@code extraEnv} (e.g. another BUSY_POLICY). */
    PodProcess startPod(String id, Map<String, String> extraEnv) {
        PodProcess pod = new PodProcess(id, merge(podEnv, extraEnv, Map.of()));
        synchronized (pods) {
            pods.add(pod);
        }
        pod.start();
        return pod;
    }

    String natsUrl() {
        return natsCluster != null ? natsCluster.urls() : nats.url();
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
        if (nats != null) {
            nats.close();
        }
        if (natsCluster != null) {
            natsCluster.close();
        }
        redis.close();
    }
}
