package dev.chatstream.deploy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.chatstream.config.Env;
import dev.chatstream.config.NatsSettings;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.RedisServer;
import dev.chatstream.testkit.ServiceProcess;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.nats.client.Connection;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real services, configured exactly as an overlay configures them (its env; the dev overlay's
 * generated Secrets, prod has none), run against the real NATS configuration as a three-node cluster:
 * a chat message goes in, its answer streams out, no permission is violated, and SIGTERM drains each
 * service within its Kubernetes grace period. Needs the built jars ({@code mvn package}; or
 * {@code -Ddeploy.backend-pod.jar=...} and {@code -Ddeploy.workflow-service.jar=...}); without
 * them it is skipped with that reason. One subclass per overlay.
 */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ServicesOnClusterTest {
    /** HTTP/1.1 as ingress-nginx and nginx speak to the pods (no h2c upgrade). */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Manifests dev = Manifests.overlay("dev");
    private final Manifests overlay = Manifests.overlay(overlay());
    private LocalNatsCluster cluster;
    private RedisServer redis;
    private ServiceProcess worker;
    private ServiceProcess pod;
    private String missingJars;
    private int podPort;
    private int workerPort;
    /** The pod's environment: which AUTH_MODE its clients must satisfy, with which key. */
    private Map<String, String> identity;
    /** The header that identifies the test's one user to the pod, made on first use. */
    private String[] credential;

    /** The overlay whose environment the services get. */
    abstract String overlay();

    @BeforeEach
    void requireJars() {
        Assumptions.assumeTrue(missingJars == null, missingJars);
    }

    @BeforeAll
    void start() {
        Path podJar = jar(ServiceEnv.POD);
        Path workerJar = jar(ServiceEnv.WORKER);
        if (!Files.isRegularFile(podJar) || !Files.isRegularFile(workerJar)) {
            // Each test reports itself skipped with this reason (visible in the Surefire counts).
            missingJars = "the service jars are not built (" + podJar + ", " + workerJar + ")";
            return;
        }
        Secret natsUsers = dev.generated(Secret.class, "nats-users");
        Map<String, String> passwords = new HashMap<>();
        natsUsers.getData().forEach((k, v) -> passwords.put(k, decode(v)));
        cluster = LocalNatsCluster.start(passwords);
        redis = RedisServer.start();
        workerPort = FreePorts.next();
        podPort = FreePorts.next();
        worker = ServiceProcess.start("deploy-worker", workerJar, env(ServiceEnv.WORKER, "workflow-service-test-1", workerPort));
        Map<String, String> podEnv = env(ServiceEnv.POD, "backend-pod-test-1", podPort);
        pod = ServiceProcess.start("deploy-pod", podJar, podEnv);
        identity = podEnv;
        awaitReady(workerPort, worker);
        awaitReady(podPort, pod);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {pod, worker, redis, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }

    @Test
    @Order(1)
    @DisplayName("a chat message is answered through the cluster with the dev overlay's configuration")
    void messageIsAnswered() throws Exception {
        String sid = "deploy-s1";
        List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> stream = HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + podPort + "/api/sessions/" + sid + "/stream"))
                        .header("Accept", "text/event-stream").headers(credential()).build(),
                HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<Void> finalChunk = stream.thenAccept(response -> response.body()
                .peek(events::add)
                .filter(line -> line.startsWith("data:") && line.contains("\"is_final\":true"))
                .findFirst());
        // The stream is open (and registered) before the message goes in.
        await().atMost(Duration.ofSeconds(10)).until(stream::isDone);

        HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + podPort + "/api/sessions/" + sid + "/messages"))
                .header("Content-Type", "application/json").headers(credential())
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello\",\"context\":{\"max_tokens\":5}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        finalChunk.get(60, TimeUnit.SECONDS);
        assertThat(events.stream().filter(l -> l.startsWith("data:"))).hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    @Order(2)
    @DisplayName("the services created every stream with the overlay's STREAM_REPLICAS")
    void streamsHaveTheOverlaysReplicas() throws Exception {
        int replicas = Integer.parseInt(Manifests.envValue(overlay.container(ServiceEnv.WORKER), "STREAM_REPLICAS"));
        NatsSettings admin = NatsSettings.fromEnv(new Env(Map.of("NATS_URL", cluster.urls(), "NATS_USER", "admin",
                "NATS_PASSWORD", decode(dev.generated(Secret.class, "nats-users").getData().get("NATS_ADMIN_PASSWORD")))));
        try (Connection connection = Nats.connect(admin.options("deploy-test-admin").build())) {
            for (String stream : List.of(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.CHAT_HISTORY, StreamDefinitions.CHAT_DLQ)) {
                assertThat(connection.jetStreamManagement().getStreamInfo(stream).getConfiguration().getReplicas())
                        .as(stream).isEqualTo(replicas);
            }
        }
    }

    @Test
    @Order(3)
    @DisplayName("the services use NATS within their permissions")
    void noPermissionIsViolated() {
        IntStream.range(0, LocalNatsCluster.SIZE).forEach(i -> assertThat(cluster.node(i).process().log())
                .as("nats-" + i + " log").doesNotContain("Violation"));
        assertThat(worker.log()).doesNotContain("Permissions Violation");
        assertThat(pod.log()).doesNotContain("Permissions Violation");
    }

    @Test
    @Order(4)
    @DisplayName("SIGTERM drains each service within its Kubernetes grace period")
    void sigtermDrainsWithinTheGracePeriod() {
        for (var entry : Map.of(ServiceEnv.POD, pod, ServiceEnv.WORKER, worker).entrySet()) {
            var spec = overlay.deployment(entry.getKey()).getSpec().getTemplate().getSpec();
            long grace = spec.getTerminationGracePeriodSeconds();
            long start = System.nanoTime();
            entry.getValue().stop(Duration.ofSeconds(grace));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(entry.getValue().isAlive()).isFalse();
            assertThat(took).as(entry.getKey() + " shutdown").isLessThan(Duration.ofSeconds(grace));
        }
    }

    /** The overlay's env for {@code service}, Secrets (dev's) and the pod name resolved, addresses local. */
    private Map<String, String> env(String service, String podName, int httpPort) {
        Container container = overlay.container(service);
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom().getSecretKeyRef() != null) {
                var ref = var.getValueFrom().getSecretKeyRef();
                String secret = ref.getName().replaceFirst("-[a-z0-9]{10}$", "");
                dev.all(Secret.class).stream().filter(s -> s.getMetadata().getName().replaceFirst("-[a-z0-9]{10}$", "").equals(secret))
                        .map(s -> s.getData().get(ref.getKey())).filter(v -> v != null)
                        .findFirst().ifPresent(v -> env.put(var.getName(), decode(v)));
                if (!env.containsKey(var.getName()) && var.getName().equals("AUTH_JWT_SECRET")) {
                    // prod's chat-auth is the operator's; stand in for the issuer's signing secret.
                    env.put(var.getName(), "deploy-test-signing-secret-deploy-test-0123");
                }
            } else if ("metadata.name".equals(var.getValueFrom().getFieldRef().getFieldPath())) {
                env.put(var.getName(), podName);
            }
        }
        env.put("NATS_URL", cluster.urls());
        env.put("REDIS_URL", redis.url());
        env.put("HTTP_PORT", Integer.toString(httpPort));
        if (env.containsKey("MANAGEMENT_PORT")) {
            env.put("MANAGEMENT_PORT", Integer.toString(FreePorts.next()));
        }
        // The local cluster runs the plain nats.conf; the TLS files are the cluster's Secrets (NatsTlsConfigTest).
        env.keySet().removeIf(name -> name.startsWith("NATS_TLS_"));
        // testkit starts the JVM with -XX:+UseSerialGC; a second collector flag would refuse to start.
        env.put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS").replace("-XX:+UseG1GC", "").strip());
        return env;
    }

    /**
     * One user's credential, as the overlay's AUTH_MODE wants it: a JWT signed with the pod's
     * AUTH_JWT_SECRET, or the guest cookie {@code GET /api/me} hands out.
     */
    private String[] credential() throws Exception {
        if (credential != null) {
            return credential;
        }
        String mode = identity.getOrDefault("AUTH_MODE", "guest");
        if (mode.equals("jwt")) {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("deploy-user")
                    .expirationTime(java.util.Date.from(java.time.Instant.now().plusSeconds(600))).build());
            jwt.sign(new MACSigner(identity.get("AUTH_JWT_SECRET").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            credential = new String[] {"Authorization", "Bearer " + jwt.serialize()};
        } else if (mode.equals("guest")) {
            HttpResponse<Void> me = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + podPort + "/api/me")).build(),
                    HttpResponse.BodyHandlers.discarding());
            String cookie = me.headers().firstValue("Set-Cookie").orElseThrow();
            credential = new String[] {"Cookie", cookie.substring(0, cookie.indexOf(';'))};
        } else {
            // AUTH_MODE=none: no credential; HttpRequest.headers needs at least one pair.
            credential = new String[] {"X-Client", "deploy-test"};
        }
        return credential;
    }

    private static void awaitReady(int port, ServiceProcess process) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(process.isAlive()).as(process.log()).isTrue();
            assertThat(status(port, "/readyz")).isEqualTo(200);
        });
    }

    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Path jar(String module) {
        String override = System.getProperty("deploy." + module + ".jar");
        return override != null ? Path.of(override) : ServiceProcess.jar(module);
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
