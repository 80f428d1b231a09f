package dev.chatstream.deploy;

import dev.chatstream.config.Env;
import dev.chatstream.config.NatsSettings;
import dev.chatstream.testkit.Binaries;
import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.ManagedProcess;
import dev.chatstream.testkit.TestLogs;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Kubernetes TLS variant of the NATS configuration ({@code k8s/components/nats-tls/nats-tls.conf}) run for
 * real: three nodes whose routes are mutual TLS, clients that must speak TLS, and a server without a
 * certificate of the cluster's CA that cannot join. Certificates are made here with openssl and keytool, in
 * the shapes cert-manager writes ({@code tls.crt}, {@code tls.key}, {@code ca.crt}, {@code truststore.p12}).
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatsTlsConfigTest {
    private static final Map<String, String> SECRETS = Map.of(
            "NATS_POD_PASSWORD", "testPodPassw0rd",
            "NATS_WORKER_PASSWORD", "testWorkerPassw0rd",
            "NATS_ADMIN_PASSWORD", "testAdminPassw0rd",
            "NATS_SYS_PASSWORD", "testSysPassw0rd");
    private static final String TRUSTSTORE_PASSWORD = "testTrustPassw0rd";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Path certificates;
    private Path rogueCertificates;
    private LocalNatsCluster cluster;
    private ManagedProcess rogue;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Binaries.find("openssl").isPresent(), "openssl is not installed");
        certificates = Files.createTempDirectory("chat-nats-tls-");
        rogueCertificates = Files.createTempDirectory("chat-nats-rogue-");
        issue(certificates);
        issue(rogueCertificates);
        run(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "nats-ca", "-file", certificates.resolve("ca.crt").toString(), "-storetype", "PKCS12",
                "-keystore", certificates.resolve("truststore.p12").toString(), "-storepass", TRUSTSTORE_PASSWORD);
        cluster = LocalNatsCluster.start(SECRETS, certificates);
    }

    @AfterAll
    void stop() {
        if (rogue != null) {
            rogue.kill();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @DisplayName("the nodes form the cluster over TLS routes, and a pod with the truststore uses JetStream over tls://")
    void clusterAndClientsSpeakTls() throws Exception {
        for (int i = 0; i < LocalNatsCluster.SIZE; i++) {
            String routez = monitor(cluster.node(i).monitorPort(), "/routez");
            assertThat(routez).contains("\"num_routes\": 2");
            String varz = monitor(cluster.node(i).monitorPort(), "/varz");
            assertThat(varz.replace(" ", "")).contains("\"tls_required\":true", "\"tls_verify\":true");
        }
        NatsSettings settings = NatsSettings.fromEnv(new Env(Map.of(
                "NATS_URL", tlsUrls(), "NATS_USER", "pod", "NATS_PASSWORD", SECRETS.get("NATS_POD_PASSWORD"),
                "NATS_TLS_TRUSTSTORE", certificates.resolve("truststore.p12").toString(),
                "NATS_TLS_TRUSTSTORE_PASSWORD", TRUSTSTORE_PASSWORD)));
        try (Connection pod = Nats.connect(settings.options("tls-test-pod").build())) {
            assertThat(pod.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            // A JetStream API call the pod's permissions allow: answered through the TLS connection.
            assertThat(pod.jetStreamManagement().getStreamNames()).isNotNull();
        }
    }

    @Test
    @DisplayName("a client that does not speak TLS is refused")
    void plaintextClientsAreRefused() {
        Options plain = new Options.Builder().server(cluster.node(0).url()).userInfo("pod", SECRETS.get("NATS_POD_PASSWORD"))
                .maxReconnects(0).connectionTimeout(Duration.ofSeconds(3)).noRandomize().build();

        assertThatThrownBy(() -> Nats.connect(plain).close()).isInstanceOf(Exception.class);
    }

    @Test
    @DisplayName("a server whose certificate is not from the cluster's CA cannot join as a route")
    void foreignServersCannotJoin() throws Exception {
        Path dir = Files.createTempDirectory("chat-nats-rogue-conf-");
        int monitorPort = FreePorts.next();
        String conf = """
                server_name: rogue
                listen: 127.0.0.1:%d
                http: 127.0.0.1:%d
                cluster {
                  name: chatstream
                  listen: 127.0.0.1:%d
                  routes: [ nats-route://127.0.0.1:%d ]
                  tls { cert_file: "%s/tls.crt", key_file: "%s/tls.key", ca_file: "%s/ca.crt", timeout: 2 }
                }
                """.formatted(FreePorts.next(), monitorPort, FreePorts.next(), cluster.node(0).routePort(),
                rogueCertificates, rogueCertificates, rogueCertificates);
        Files.writeString(dir.resolve("rogue.conf"), conf);
        rogue = ManagedProcess.start("nats-rogue", List.of(Binaries.find("nats-server").orElseThrow().toString(),
                "-c", dir.resolve("rogue.conf").toString()), Map.of(), TestLogs.file("deploy-nats-rogue.log"));

        // The rogue dials node 0 and fails the handshake: its certificate is not signed by nats-ca.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.node(0).process().log().contains("TLS route handshake error")
                        || rogue.log().contains("TLS route handshake error"));
        assertThat(monitor(cluster.node(0).monitorPort(), "/routez")).contains("\"num_routes\": 2");
        assertThat(monitor(monitorPort, "/routez")).contains("\"num_routes\": 0");
    }

    private String tlsUrls() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < LocalNatsCluster.SIZE; i++) {
            urls.add(cluster.node(i).url().replace("nats://", "tls://"));
        }
        return urls.stream().collect(Collectors.joining(","));
    }

    /** A CA and a certificate it signs for loopback, usable as server and as route client. */
    private static void issue(Path dir) throws Exception {
        String openssl = Binaries.find("openssl").orElseThrow().toString();
        run(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("ca.key").toString(), "-out", dir.resolve("ca.crt").toString(),
                "-subj", "/CN=test-nats-ca", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        run(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.csr").toString(), "-subj", "/CN=nats");
        Files.writeString(dir.resolve("ext.cnf"),
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        run(openssl, "x509", "-req", "-in", dir.resolve("tls.csr").toString(), "-CA", dir.resolve("ca.crt").toString(),
                "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "2",
                "-out", dir.resolve("tls.crt").toString(), "-extfile", dir.resolve("ext.cnf").toString());
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    }

    private static String monitor(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
