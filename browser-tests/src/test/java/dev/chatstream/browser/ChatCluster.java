package dev.chatstream.browser;

import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.testkit.RedisServer;
import dev.chatstream.testkit.ServiceProcess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The local cluster as {@code bin/cluster up} starts it, on free ports: nats-server (JetStream),
 * redis-server, two workflow workers and two backend pods as separate JVMs, nginx in front; the workers'
 * {@code openai} provider is a local {@link EchoModel}, for answers a test writes itself.
 * With {@code -Dbrowser.baseUrl=http://127.0.0.1:8080/} the tests use an already running cluster instead
 * (then the tests that kill processes are skipped).
 */
final class ChatCluster implements AutoCloseable {
    static final int PODS = 2;
    static final int WORKERS = 2;
    /** Slow enough to act mid-answer (64 tokens take ~2.5 s), fast enough for a short run. */
    static final int DEMO_TOKEN_DELAY_MS = 40;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    /** The pods' shared guest-cookie secret (bin/cluster generates one per cluster). */
    static final String GUEST_SECRET = "browser-tests-guest-secret-browser-tests-guest";
    private static final Pattern MESSAGE_ID = Pattern.compile("\"message_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ACTIVE_ANSWERS =
            Pattern.compile("(?m)^chat_workflow_active_answers\\{[^}]*}\\s+([0-9.]+)");
    private static final Pattern ACTIVE_CONNECTIONS = Pattern.compile("\"active_connections\"\\s*:\\s*(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String externalUrl;
    private NatsServer nats;
    private RedisServer redis;
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final List<ServiceProcess> pods = new ArrayList<>();
    private final List<Integer> podPorts = new ArrayList<>();
    /** Each pod's management port: {@code /api/health} and {@code /metrics} are not on the public one. */
    private final List<Integer> podManagementPorts = new ArrayList<>();
    private final List<Integer> workerPorts = new ArrayList<>();
    private final List<Map<String, String>> podEnvs = new ArrayList<>();
    private LoadBalancer loadBalancer;
    private EchoModel echoModel;

    private final boolean withRedis;

    private ChatCluster(String externalUrl, boolean withRedis) {
        this.externalUrl = externalUrl;
        this.withRedis = withRedis;
    }

    /**
     * Why there is nothing to test against, or null: on a branch where a service is still the empty
     * module stub, the tests are skipped with this reason. A module with sources must have its jar.
     */
    static String missingService() {
        if (!System.getProperty("browser.baseUrl", "").isBlank()) {
            return null;
        }
        for (String module : new String[] {"backend-pod", "workflow-service"}) {
            if (!Files.isDirectory(RepoPaths.file(module + "/src/main/java"))) {
                return module + " has no sources on this branch yet; the browser tests need its jar";
            }
        }
        return null;
    }

    /** The cluster as {@code bin/cluster up} starts it: with Redis as the session registry. */
    static ChatCluster start() {
        return start(true);
    }

    /** Without Redis ({@code bin/cluster up --no-redis}): answers reach the pods by session broadcast. */
    static ChatCluster startWithoutRedis() {
        return start(false);
    }

    private static ChatCluster start(boolean withRedis) {
        String external = System.getProperty("browser.baseUrl", "");
        ChatCluster cluster = new ChatCluster(external.isBlank() ? null : external, withRedis);
        if (cluster.externalUrl == null) {
            try {
                cluster.startProcesses();
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }
        return cluster;
    }

    private void startProcesses() {
        nats = NatsServer.start();
        echoModel = EchoModel.start();
        Map<String, String> common;
        if (withRedis) {
            redis = RedisServer.start();
            common = Map.of("NATS_URL", nats.url(), "REDIS_URL", redis.url(), "REDIS_ENABLED", "true");
        } else {
            common = Map.of("NATS_URL", nats.url(), "REDIS_ENABLED", "false");
        }
        for (int i = 1; i <= WORKERS; i++) {
            int port = FreePorts.next();
            Map<String, String> env = new HashMap<>(common);
            env.putAll(Map.of("WORKER_ID", "worker-" + i, "AI_PROVIDER", "demo",
                    "DEMO_TOKEN_DELAY_MS", Integer.toString(DEMO_TOKEN_DELAY_MS), "HTTP_PORT", Integer.toString(port),
                    // A request whose worker died is redelivered after this (streaming answers keep theirs alive).
                    "WORKER_ACK_WAIT", "2s"));
            // demo stays the default; a request naming ai_provider openai gets the echo model (EchoModel).
            env.putAll(Map.of("OPENAI_API_KEY", "browser-tests", "OPENAI_BASE_URL", echoModel.baseUrl(),
                    "OPENAI_MODEL", EchoModel.MODEL));
            workers.add(ServiceProcess.start("worker-" + i, ServiceProcess.jar("workflow-service"), env));
            workerPorts.add(port);
        }
        for (int i = 1; i <= PODS; i++) {
            int port = FreePorts.next();
            int managementPort = FreePorts.next();
            Map<String, String> env = new HashMap<>(common);
            // As bin/cluster runs them: guests, with one cookie secret on every pod.
            // The page tests send many long answers as one guest in a few minutes; the per-user limits are
            // tested elsewhere (FairUseTest, IdentitySystemTest).
            Map<String, String> pod = new java.util.HashMap<>(Map.of("POD_ID", "pod-" + i, "HTTP_PORT", Integer.toString(port),
                    "MANAGEMENT_PORT", Integer.toString(managementPort),
                    "AUTH_MODE", "guest", "AUTH_GUEST_SECRET", GUEST_SECRET,
                    "MAX_ACTIVE_ANSWERS_PER_USER", "100", "MESSAGE_RATE_BURST", "100"));
            env.putAll(pod);
            podManagementPorts.add(managementPort);
            pods.add(ServiceProcess.start("pod-" + i, ServiceProcess.jar("backend-pod"), env));
            podEnvs.add(env);
            podPorts.add(port);
        }
        // JVMs start in parallel; wait for each one's readiness.
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            ready.add(awaitReady(workers.get(i), workerPorts.get(i)));
        }
        for (int i = 0; i < PODS; i++) {
            ready.add(awaitReady(pods.get(i), podPorts.get(i)));
        }
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        loadBalancer = LoadBalancer.start(podPorts);
        await("the load balancer to answer /readyz").atMost(Duration.ofSeconds(15))
                .until(() -> status(baseUrl() + "readyz") == 200);
    }

    private CompletableFuture<Void> awaitReady(ServiceProcess process, int port) {
        return CompletableFuture.runAsync(() -> await("/readyz of the process on " + port)
                .atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("a service exited before it was ready:\n" + process.log());
                    }
                    return status("http://127.0.0.1:" + port + "/readyz") == 200;
                }));
    }

    boolean managed() {
        return externalUrl == null;
    }

    /** The chat page through the load balancer. */
    String baseUrl() {
        return externalUrl != null ? (externalUrl.endsWith("/") ? externalUrl : externalUrl + "/") : loadBalancer.url();
    }

    int podCount() {
        return pods.size();
    }

    /** Open SSE connections of pod {@code index} (0-based), from its {@code /api/health}. */
    int activeConnections(int index) {
        String body = get("http://127.0.0.1:" + podManagementPorts.get(index) + "/api/health");
        Matcher m = ACTIVE_CONNECTIONS.matcher(body);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    int workerCount() {
        return workers.size();
    }

    boolean workerAlive(int index) {
        return workers.get(index).isAlive();
    }

    /** Answers worker {@code index} (0-based) is generating now, from its {@code /metrics}. */
    int activeAnswers(int index) {
        Matcher m = ACTIVE_ANSWERS.matcher(get("http://127.0.0.1:" + workerPorts.get(index) + "/metrics"));
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    /** SIGKILL worker {@code index}: its request is left unacknowledged and goes to another worker. */
    void killWorker(int index) {
        workers.get(index).kill();
    }

    String podHealth(int index) {
        return get("http://127.0.0.1:" + podManagementPorts.get(index) + "/api/health");
    }

    boolean podAlive(int index) {
        return pods.get(index).isAlive();
    }

    /** SIGKILL pod {@code index}: no drain, no goodbye to its SSE clients. */
    void killPod(int index) {
        pods.get(index).kill();
    }

    /** Starts pod {@code index} again after {@link #killPod}, same id and port, and waits until it is ready. */
    void restartPod(int index) {
        if (pods.get(index).isAlive()) {
            return;
        }
        pods.set(index, ServiceProcess.start("pod-" + (index + 1), ServiceProcess.jar("backend-pod"), podEnvs.get(index)));
        awaitReady(pods.get(index), podPorts.get(index)).join();
        // nginx marked the pod failed for fail_timeout; it is tried again after that.
    }

    String podLog(int index) {
        return pods.get(index).log();
    }

    String accessLog() {
        return loadBalancer == null ? "" : loadBalancer.accessLog();
    }

    /** A POST's status and, when accepted, its message id. */
    record Posted(int status, String messageId) {
    }

    /**
     * POSTs a message to the session through the load balancer, as another client of the same user would
     * (it sends that user's {@code chat_guest} cookie value), with {@code key} as Idempotency-Key.
     */
    Posted postMessage(String session, String key, String json, String guestCookie) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "api/sessions/" + session + "/messages"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .header("Cookie", "chat_guest=" + guestCookie)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher id = MESSAGE_ID.matcher(response.body());
            String messageId = response.statusCode() == 202 && id.find() ? id.group(1) : null;
            return new Posted(response.statusCode(), messageId);
        } catch (IOException e) {
            return new Posted(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Posted(-1, null);
        }
    }

    int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        if (loadBalancer != null) {
            loadBalancer.close();
        }
        pods.forEach(p -> p.stop(Duration.ofSeconds(10)));
        workers.forEach(w -> w.stop(Duration.ofSeconds(10)));
        if (redis != null) {
            redis.close();
        }
        if (nats != null) {
            nats.close();
        }
        if (echoModel != null) {
            echoModel.close();
        }
    }
}
