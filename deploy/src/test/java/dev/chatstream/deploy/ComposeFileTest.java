package dev.chatstream.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.chatstream.deploy.ServiceEnv.POD;
import static dev.chatstream.deploy.ServiceEnv.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code deploy/compose/compose.yaml} runs the same images, variables, ports and NATS configuration as Kubernetes. */
class ComposeFileTest {
    private static final Map<String, Object> COMPOSE = load();
    /** Values that are the same everywhere (not per environment, instance or secret). */
    private static final Set<String> SHARED_VALUES = Set.of("HTTP_PORT", "NATS_USER", "DRAIN_TIMEOUT", "MAX_CONNECTIONS",
            "WORKER_CONCURRENCY", "SHUTDOWN_TIMEOUT", "JAVA_TOOL_OPTIONS", "STREAM_REPLICAS");

    @Test
    @DisplayName("compose runs three NATS nodes, Redis, two pods, two workers and nginx")
    void runsTheWholeCluster() {
        assertThat(services().keySet()).containsExactlyInAnyOrder("nats-0", "nats-1", "nats-2", "redis",
                "backend-pod-1", "backend-pod-2", "workflow-service-1", "workflow-service-2", "nginx");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backend-pod-1", "backend-pod-2", "workflow-service-1", "workflow-service-2"})
    @DisplayName("a service container gets every variable it requires, no unknown one, valid values, and the manifests' shared values")
    void serviceEnvironmentMatchesTheManifests(String name) {
        String service = name.replaceFirst("-\\d+$", "");
        Map<String, String> env = environment(name);
        assertThat(env.keySet()).containsAll(ServiceEnv.required(service));
        assertThat(ServiceEnv.names(service)).containsAll(env.keySet());
        // ${VAR:-default} is the default unless the operator sets VAR.
        env.forEach((variable, value) -> ServiceEnv.variable(service, variable)
                .validate(value.replaceAll("^\\$\\{[A-Z_]+:-(.*)}$", "$1")));
        Container prod = Manifests.overlay("prod").container(service);
        for (String variable : SHARED_VALUES) {
            if (env.containsKey(variable)) {
                assertThat(env.get(variable)).as(name + " " + variable).isEqualTo(Manifests.envValue(prod, variable));
            }
        }
        assertThat(env.get(service.equals(POD) ? "POD_ID" : "WORKER_ID")).isEqualTo(name);
        // Three NATS nodes here, as in prod: three-replica streams.
        assertThat(env.get("STREAM_REPLICAS")).isEqualTo("3");
        assertThat(env.get("NATS_URL").split(",")).containsExactly(
                "nats://nats-0:4222", "nats://nats-1:4222", "nats://nats-2:4222");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"backend-pod-1", "backend-pod-2", "workflow-service-1", "workflow-service-2"})
    @DisplayName("a service container runs the dev overlay's image, built by this repository's Dockerfile, with the same grace period")
    void serviceImageMatchesTheDevOverlay(String name) {
        String service = name.replaceFirst("-\\d+$", "");
        Map<String, Object> definition = service(name);
        assertThat(definition.get("image")).isEqualTo(Manifests.overlay("dev").container(service).getImage());
        assertThat(map(definition.get("build"))).containsEntry("context", "../..")
                .containsEntry("dockerfile", "deploy/docker/" + service + ".Dockerfile");
        long grace = Manifests.overlay("prod").deployment(service).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(definition.get("stop_grace_period")).isEqualTo(grace + "s");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, 1, 2})
    @DisplayName("a NATS node runs the Kubernetes image and command on the deploy/nats files, under its route name")
    void natsNodeMatchesTheStatefulSet(int index) {
        Map<String, Object> node = service("nats-" + index);
        // Compose runs the plaintext configuration, as dev does; prod adds TLS (k8s/components/nats-tls).
        Container k8s = Manifests.container(Manifests.overlay("dev").statefulSet("nats").getSpec().getTemplate(), "nats");
        assertThat(node.get("image")).isEqualTo(k8s.getImage()).isEqualTo(Images.NATS);
        assertThat(node.get("command")).isEqualTo(k8s.getCommand());
        assertThat(strings(node.get("volumes"))).contains("../nats:/etc/nats-config:ro");
        assertThat(strings(node.get("tmpfs"))).containsExactly("/var/run/nats");
        Map<String, String> env = environment("nats-" + index);
        assertThat(env).containsEntry("SERVER_NAME", "nats-" + index);
        Set<String> passwords = OverlayTest.natsUsers().stream().map(u -> u.get("password").toString().substring(1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(env.keySet()).containsAll(passwords);
        Map<String, Object> networks = map(map(node.get("networks")).get("default"));
        assertThat(strings(networks.get("aliases"))).containsExactly("nats-" + index + ".nats-headless");
        assertThat(node.get("stop_grace_period")).isEqualTo(
                Manifests.overlay("prod").statefulSet("nats").getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() + "s");
    }

    @Test
    @DisplayName("the services' passwords are the NATS servers' passwords")
    void passwordsAgree() {
        assertThat(environment("backend-pod-1").get("NATS_PASSWORD")).isEqualTo(environment("nats-0").get("NATS_POD_PASSWORD"));
        assertThat(environment("workflow-service-1").get("NATS_PASSWORD")).isEqualTo(environment("nats-0").get("NATS_WORKER_PASSWORD"));
    }

    @Test
    @DisplayName("compose's default passwords are the dev overlay's, so the laptop tooling logs in to either")
    void defaultPasswordsAreTheDevOverlays() {
        Map<String, String> devSecret = Manifests.overlay("dev").generated(io.fabric8.kubernetes.api.model.Secret.class, "nats-users")
                .getData();
        environment("nats-0").forEach((name, value) -> {
            if (name.endsWith("_PASSWORD")) {
                String decoded = new String(java.util.Base64.getDecoder().decode(devSecret.get(name)), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(value).isEqualTo("${" + name + ":-" + decoded + "}");
            }
        });
    }

    @Test
    @DisplayName("Redis runs the dev overlay's image and settings")
    void redisMatchesTheDevOverlay() {
        Container k8s = Manifests.container(Manifests.overlay("dev").deployment("redis").getSpec().getTemplate(), "redis");
        assertThat(service("redis").get("image")).isEqualTo(k8s.getImage()).isEqualTo(Images.REDIS);
        assertThat(strings(service("redis").get("command"))).endsWith(k8s.getArgs().toArray(String[]::new));
    }

    @Test
    @DisplayName("nginx mounts deploy/nginx and balances over both pods' HTTP port")
    void nginxFrontsThePods() {
        Map<String, Object> nginx = service("nginx");
        assertThat(strings(nginx.get("volumes"))).containsExactly("../nginx:/etc/nginx/chat:ro");
        String command = String.join("\n", strings(nginx.get("command")));
        assertThat(command).contains("/etc/nginx/chat/nginx.conf", "/etc/nginx/chat/nginx.conf.template");
        String upstreams = environment("nginx").get("UPSTREAM_SERVERS");
        String port = ServiceEnv.fixedValue(POD, "HTTP_PORT");
        assertThat(upstreams).contains("server backend-pod-1:" + port, "server backend-pod-2:" + port);
        assertThat(strings(nginx.get("ports"))).containsExactly("8080:" + environment("nginx").get("LB_PORT"));
    }

    @Test
    @DisplayName("pods are healthy only when /readyz answers 200 on their HTTP port")
    void podHealthcheckUsesReadyz() {
        for (String pod : List.of("backend-pod-1", "backend-pod-2")) {
            String test = String.join(" ", strings(map(service(pod).get("healthcheck")).get("test")));
            assertThat(test).contains("/dev/tcp/127.0.0.1/" + environment(pod).get("HTTP_PORT"), "GET /readyz");
        }
        assertThat(Duration.parse("PT" + service(WORKER + "-1").get("stop_grace_period").toString().toUpperCase()))
                .isGreaterThan(Duration.ofSeconds(60));
    }

    private static Map<String, Object> services() {
        return map(COMPOSE.get("services"));
    }

    private static Map<String, Object> service(String name) {
        return map(services().get(name));
    }

    private static Map<String, String> environment(String name) {
        return map(service(name).get("environment")).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object value) {
        return ((List<Object>) value).stream().map(String::valueOf).toList();
    }

    private static Map<String, Object> load() {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(DeployFiles.resolve("compose/compose.yaml").toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<>() { });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
