package dev.chatstream.loadtest.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatstream.loadtest.app.Main;
import dev.chatstream.loadtest.report.JsonFiles;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.NatsServer;
import dev.chatstream.testkit.RedisServer;
import dev.chatstream.testkit.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The load generator end to end against the real system: nats-server and redis-server, one
 * backend pod and one workflow worker as separate JVMs from their jars, a few seconds of load at
 * a small rate, then the raw NATS baseline through the same server. Zero lost, duplicated or
 * out-of-order chunks, and the JSON report is written.
 */
@Tag("slow")
@Timeout(120)
class LoadGeneratorSmokeTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private static NatsServer nats;
    private static RedisServer redis;
    private static ServiceProcess pod;
    private static ServiceProcess worker;
    private static int podPort;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSystem() {
        Path podJar = ServiceProcess.jar("backend-pod");
        Path workerJar = ServiceProcess.jar("workflow-service");
        assumeTrue(Files.isRegularFile(podJar) && Files.isRegularFile(workerJar),
                "service jars not built (" + podJar + ", " + workerJar + "): run mvn -pl loadtest -am verify");
        nats = NatsServer.start();
        redis = RedisServer.start();
        podPort = FreePorts.next();
        pod = ServiceProcess.start("smoke-pod", podJar, Map.of(
                "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "POD_ID", "smoke-pod",
                "HTTP_PORT", Integer.toString(podPort), "MANAGEMENT_PORT", Integer.toString(FreePorts.next())));
        worker = ServiceProcess.start("smoke-worker", workerJar, Map.of(
                "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "WORKER_ID", "smoke-worker",
                "HTTP_PORT", Integer.toString(FreePorts.next()), "AI_PROVIDER", "demo", "DEMO_TOKEN_DELAY_MS", "1"));
        worker.awaitLog("workflow-service ready", Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    assertThat(pod.isAlive()).as("pod alive; log:\n%s", pod.log()).isTrue();
                    return readyz() == 200;
                });
    }

    private static int readyz() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + podPort + "/readyz"))
                .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @AfterAll
    static void stopSystem() {
        for (AutoCloseable c : new AutoCloseable[]{worker, pod, redis, nats}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort: the next closes still run
            }
        }
    }

    @Test
    @DisplayName("delivers every chunk once and in order to every connection and writes the JSON report")
    void shortRunIsClean() throws Exception {
        Path report = dir.resolve("smoke.json");
        int status = Main.run("run", "--targets", "http://127.0.0.1:" + podPort,
                "--sessions", "4", "--connections-per-session", "2", "--rate", "20", "--max-tokens", "8",
                "--token-delay-ms", "1", "--warmup", "1s", "--duration", "5s", "--grace", "15s",
                "--nats-url", nats.url(), "--baseline-duration", "1s", "--output", report.toString(),
                "--label", "ci smoke");
        assertThat(report).exists();
        JsonNode json = JsonFiles.read(report);
        assertThat(json.path("correctness").path("lost_chunks").asLong()).as(json.toPrettyString()).isZero();
        assertThat(json.path("correctness").path("duplicate_chunks").asLong()).isZero();
        assertThat(json.path("correctness").path("out_of_order_chunks").asLong()).isZero();
        assertThat(json.path("correctness").path("unfinished_messages").asLong()).isZero();
        assertThat(json.path("messages_accepted").asLong()).isGreaterThan(50);
        assertThat(json.path("nats_baseline").path("max_msgs_per_s").asDouble()).isPositive();
        assertThat(status).as("exit status; report:\n%s", json.toPrettyString()).isZero();
    }
}
