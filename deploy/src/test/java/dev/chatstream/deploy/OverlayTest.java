package dev.chatstream.deploy;

import dev.chatstream.config.Env;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import static dev.chatstream.deploy.ServiceEnv.POD;
import static dev.chatstream.deploy.ServiceEnv.SERVICES;
import static dev.chatstream.deploy.ServiceEnv.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

/** The rendered dev and prod overlays agree with the services, the NATS configuration and each other. */
class OverlayTest {
    private static final Map<String, Integer> STREAM_REPLICAS = Map.of("dev", 1, "prod", 3);
    private static final Map<String, Object> NATS_CONF = NatsConf.parse(DeployFiles.natsConf());

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("each service listens on its HTTP_PORT (pods also on MANAGEMENT_PORT), and its Service targets only HTTP_PORT")
    void portsMatchServicesAndHttpPort(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        for (String service : SERVICES) {
            Container container = m.container(service);
            int httpPort = Integer.parseInt(ServiceEnv.fixedValue(service, "HTTP_PORT"));
            assertThat(Manifests.envValue(container, "HTTP_PORT")).isEqualTo(Integer.toString(httpPort));
            if (service.equals(POD)) {
                int managementPort = Integer.parseInt(ServiceEnv.fixedValue(service, "MANAGEMENT_PORT"));
                assertThat(Manifests.envValue(container, "MANAGEMENT_PORT")).isEqualTo(Integer.toString(managementPort));
                assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort)
                        .containsExactly(httpPort, managementPort);
            } else {
                assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(httpPort);
            }
            for (ServicePort port : m.get(Service.class, service).getSpec().getPorts()) {
                assertThat(resolve(port.getTargetPort(), container)).as(service + " Service targetPort").isEqualTo(httpPort);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("the NATS Services target the ports nats.conf listens on")
    void natsPortsMatchTheConfig(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        Container nats = Manifests.container(m.statefulSet("nats").getSpec().getTemplate(), "nats");
        Map<String, Integer> confPorts = Map.of(
                "client", port((String) NATS_CONF.get("listen")),
                "monitor", port((String) NATS_CONF.get("http")),
                "cluster", port((String) cluster().get("listen")));
        confPorts.forEach((name, port) -> assertThat(containerPort(nats, name)).as(name).isEqualTo(port));
        for (String serviceName : List.of("nats", "nats-headless")) {
            for (ServicePort port : m.get(Service.class, serviceName).getSpec().getPorts()) {
                Container target = port.getName().equals("metrics")
                        ? Manifests.container(m.statefulSet("nats").getSpec().getTemplate(), "metrics") : nats;
                assertThat(resolve(port.getTargetPort(), target)).as(serviceName + " " + port.getName()).isEqualTo(port.getPort());
            }
        }
        assertThat(m.statefulSet("nats").getSpec().getServiceName()).isEqualTo("nats-headless");
        assertThat(m.get(Service.class, "nats-headless").getSpec().getPublishNotReadyAddresses()).isTrue();
        // The routes in nats.conf are the StatefulSet's pods behind its headless Service.
        int replicas = m.statefulSet("nats").getSpec().getReplicas();
        List<String> expectedRoutes = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            expectedRoutes.add("nats-route://nats-" + i + ".nats-headless:" + confPorts.get("cluster"));
        }
        assertThat(cluster().get("routes")).isEqualTo(expectedRoutes);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("every variable a service requires is set, no unknown variable is, and every value parses as the service parses it")
    void everyVariableIsSetOrDefaulted(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        for (String service : SERVICES) {
            Set<String> set = Manifests.env(m.container(service)).keySet();
            assertThat(set).as(service + " env").containsAll(ServiceEnv.required(service));
            assertThat(ServiceEnv.names(service)).as(service + " reads").containsAll(set);
            assertThat(m.container(service).getEnvFrom()).as("no bulk env: every variable is listed").isEmpty();
        }
        for (String service : SERVICES) {
            for (EnvVar var : m.container(service).getEnv()) {
                if (var.getValue() != null) {
                    ServiceEnv.variable(service, var.getName()).validate(var.getValue());
                }
            }
        }
        assertThat(m.container(POD).getEnv()).filteredOn(e -> e.getName().equals("POD_ID")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name"));
        assertThat(m.container(WORKER).getEnv()).filteredOn(e -> e.getName().equals("WORKER_ID")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("the services log in to NATS as the users of accounts.conf, with passwords from the nats-users Secret")
    void natsCredentialsMatchTheAccounts(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        Map<String, String> userOf = Map.of(POD, "pod", WORKER, "worker");
        for (String service : SERVICES) {
            Container c = m.container(service);
            String user = userOf.get(service);
            assertThat(Manifests.envValue(c, "NATS_USER")).isEqualTo(user);
            EnvVar password = Manifests.env(c).get("NATS_PASSWORD");
            assertThat(password.getValueFrom().getSecretKeyRef().getName()).startsWith("nats-users");
            assertThat(password.getValueFrom().getSecretKeyRef().getKey())
                    .isEqualTo(natsUser(user).get("password").toString().substring(1));
            String natsUrl = Manifests.envValue(c, "NATS_URL");
            // prod speaks TLS to NATS (k8s/components/nats-tls): tls:// refuses a server without it.
            String scheme = overlay.equals("prod") ? "tls" : "nats";
            assertThat(natsUrl).isEqualTo(scheme + "://nats:" + m.get(Service.class, "nats").getSpec().getPorts().getFirst().getPort());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("every referenced Secret key exists (dev) or is one the README tells operators to create (prod)")
    void secretsExistOrAreDocumented(String overlay) throws IOException {
        Manifests m = Manifests.overlay(overlay);
        String readme = Files.readString(DeployFiles.resolve("README.md"));
        List<String[]> refs = new ArrayList<>();
        for (PodSpec spec : podSpecs(m)) {
            for (Container c : spec.getContainers()) {
                c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> refs.add(new String[] {e.getValueFrom().getSecretKeyRef().getName(),
                                e.getValueFrom().getSecretKeyRef().getKey(),
                                String.valueOf(Boolean.TRUE.equals(e.getValueFrom().getSecretKeyRef().getOptional()))}));
                c.getEnvFrom().stream().filter(e -> e.getSecretRef() != null)
                        .forEach(e -> refs.add(new String[] {e.getSecretRef().getName(), null, "false"}));
            }
        }
        assertThat(refs).isNotEmpty();
        for (String[] ref : refs) {
            String base = ref[0].replaceFirst("-[a-z0-9]{10}$", "");
            assertThat(readme).as("README documents Secret " + base).contains("`" + base + "`");
            if (ref[1] != null) {
                assertThat(readme).as("README documents key " + ref[1]).contains(ref[1]);
            }
            if (overlay.equals("dev") && ref[2].equals("false")) {
                Secret secret = m.get(Secret.class, ref[0]);
                if (ref[1] != null) {
                    assertThat(secret.getData()).as(ref[0]).containsKey(ref[1]);
                }
            }
        }
        // The NATS servers get every password accounts.conf reads.
        Set<String> passwords = new TreeSet<>();
        natsUsers().forEach(u -> passwords.add(u.get("password").toString().substring(1)));
        if (overlay.equals("dev")) {
            assertThat(m.generated(Secret.class, "nats-users").getData().keySet()).containsExactlyInAnyOrderElementsOf(passwords);
        }
        passwords.forEach(p -> assertThat(readme).contains(p));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("backend pods are probed on /readyz and /livez of the management port, with a startup probe")
    void podProbes(String overlay) {
        Container pod = Manifests.overlay(overlay).container(POD);
        assertThat(path(pod.getReadinessProbe())).isEqualTo("/readyz");
        assertThat(path(pod.getLivenessProbe())).isEqualTo("/livez");
        assertThat(pod.getStartupProbe()).isNotNull();
        for (Probe probe : List.of(pod.getReadinessProbe(), pod.getLivenessProbe(), pod.getStartupProbe())) {
            assertThat(resolve(probe.getHttpGet().getPort(), pod)).isEqualTo(Integer.parseInt(Manifests.envValue(pod, "MANAGEMENT_PORT")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("Prometheus scrapes the pods' management port; the Ingress may reach only the public port")
    void metricsStayOffTheIngress(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        Container pod = m.container(POD);
        int httpPort = Integer.parseInt(Manifests.envValue(pod, "HTTP_PORT"));
        int managementPort = Integer.parseInt(Manifests.envValue(pod, "MANAGEMENT_PORT"));
        assertThat(m.deployment(POD).getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", Integer.toString(managementPort));
        NetworkPolicy policy = m.get(NetworkPolicy.class, POD);
        policy.getSpec().getIngress().forEach(rule -> {
            Set<String> from = new TreeSet<>();
            rule.getFrom().forEach(peer -> from.add(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")));
            Set<Integer> ports = new TreeSet<>();
            rule.getPorts().forEach(p -> ports.add(p.getPort().getIntVal()));
            if (from.contains("ingress-nginx")) {
                assertThat(ports).containsExactly(httpPort);
            }
            if (ports.contains(managementPort)) {
                assertThat(from).containsExactly("monitoring");
            }
        });
        assertThat(m.get(Service.class, POD).getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(httpPort);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("preStop plus DRAIN_TIMEOUT (pods), SHUTDOWN_TIMEOUT (workers) and lame duck (NATS) fit in the grace period")
    void shutdownFitsInTheGracePeriod(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        PodSpec pod = m.deployment(POD).getSpec().getTemplate().getSpec();
        Container podContainer = m.container(POD);
        List<String> preStop = podContainer.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        Duration podShutdown = Duration.ofSeconds(Long.parseLong(preStop.get(1)))
                .plus(duration("DRAIN_TIMEOUT", Manifests.envValue(podContainer, "DRAIN_TIMEOUT")));
        assertThat(podShutdown).isLessThan(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds()));
        assertThat(Long.parseLong(preStop.get(1))).isBetween(2L, 15L);

        PodSpec worker = m.deployment(WORKER).getSpec().getTemplate().getSpec();
        assertThat(duration("SHUTDOWN_TIMEOUT", Manifests.envValue(m.container(WORKER), "SHUTDOWN_TIMEOUT")))
                .isLessThan(Duration.ofSeconds(worker.getTerminationGracePeriodSeconds()));

        StatefulSet nats = m.statefulSet("nats");
        Duration lameDuck = goDuration((String) NATS_CONF.get("lame_duck_duration"))
                .plus(goDuration((String) NATS_CONF.get("lame_duck_grace_period")));
        assertThat(lameDuck).isLessThan(Duration.ofSeconds(nats.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()));
        Container natsContainer = Manifests.container(nats.getSpec().getTemplate(), "nats");
        String pidFile = (String) NATS_CONF.get("pid_file");
        assertThat(natsContainer.getLifecycle().getPreStop().getExec().getCommand())
                .containsExactly("nats-server", "--signal", "ldm=" + pidFile);
        assertThat(natsContainer.getVolumeMounts()).anySatisfy(v -> assertThat(pidFile).startsWith(v.getMountPath() + "/"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("streams get 1 replica in dev and 3 in prod, never more than there are NATS nodes")
    void streamReplicas(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        for (String service : SERVICES) {
            assertThat(Manifests.envValue(m.container(service), "STREAM_REPLICAS")).as(service)
                    .isEqualTo(Integer.toString(STREAM_REPLICAS.get(overlay)));
        }
        assertThat(m.statefulSet("nats").getSpec().getReplicas()).isGreaterThanOrEqualTo(STREAM_REPLICAS.get(overlay)).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("the NATS ConfigMap holds exactly the files of deploy/nats (prod: plus the TLS variant), mounted where the command reads them")
    void natsConfigMapIsTheRealConfig(String overlay) throws IOException {
        Manifests m = Manifests.overlay(overlay);
        ConfigMap config = m.generated(ConfigMap.class, "nats-config");
        boolean tls = overlay.equals("prod");
        if (tls) {
            assertThat(config.getData()).containsOnlyKeys("nats.conf", "accounts.conf", "nats-tls.conf");
            assertThat(config.getData().get("nats-tls.conf"))
                    .isEqualTo(Files.readString(DeployFiles.resolve("k8s/components/nats-tls/nats-tls.conf")));
        } else {
            assertThat(config.getData()).containsOnlyKeys("nats.conf", "accounts.conf");
        }
        assertThat(config.getData().get("nats.conf")).isEqualTo(Files.readString(DeployFiles.natsConf()));
        assertThat(config.getData().get("accounts.conf")).isEqualTo(Files.readString(DeployFiles.accountsConf()));
        StatefulSet nats = m.statefulSet("nats");
        PodSpec spec = nats.getSpec().getTemplate().getSpec();
        assertThat(spec.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap() != null
                && v.getConfigMap().getName().equals(config.getMetadata().getName())).isTrue());
        Container c = Manifests.container(nats.getSpec().getTemplate(), "nats");
        assertThat(c.getCommand()).containsExactly("nats-server", "--config",
                tls ? "/etc/nats-config/nats-tls.conf" : "/etc/nats-config/nats.conf");
        assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("SERVER_NAME"));
        // JetStream's store is on the volume claim, which is larger than max_file_store.
        @SuppressWarnings("unchecked")
        Map<String, Object> jetstream = (Map<String, Object>) NATS_CONF.get("jetstream");
        String storeDir = (String) jetstream.get("store_dir");
        var claim = nats.getSpec().getVolumeClaimTemplates().getFirst();
        assertThat(c.getVolumeMounts()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(claim.getMetadata().getName());
            assertThat(storeDir).startsWith(v.getMountPath() + "/");
        });
        BigDecimal claimBytes = Quantity.getAmountInBytes(claim.getSpec().getResources().getRequests().get("storage"));
        assertThat(claimBytes).isGreaterThan(natsSize((String) jetstream.get("max_file_store")));
    }

    @Test
    @DisplayName("prod: NATS mounts its server certificate; pods and workers mount only the client truststore, never a server key")
    void prodNatsTlsFiles() throws IOException {
        Manifests m = Manifests.overlay("prod");
        PodSpec nats = m.statefulSet("nats").getSpec().getTemplate().getSpec();
        assertThat(nats.getVolumes()).anySatisfy(v -> assertThat(v.getSecret() != null
                && v.getSecret().getSecretName().equals("nats-server-tls")).isTrue());
        String tlsConf = Files.readString(DeployFiles.resolve("k8s/components/nats-tls/nats-tls.conf"));
        assertThat(Manifests.container(m.statefulSet("nats").getSpec().getTemplate(), "nats").getVolumeMounts())
                .anySatisfy(v -> assertThat(tlsConf).contains("\"" + v.getMountPath() + "/tls.crt\""));
        for (String service : SERVICES) {
            PodSpec spec = m.deployment(service).getSpec().getTemplate().getSpec();
            assertThat(spec.getVolumes()).noneSatisfy(v -> assertThat(v.getSecret() != null
                    && v.getSecret().getSecretName().equals("nats-server-tls")).isTrue());
            var truststore = spec.getVolumes().stream().filter(v -> v.getSecret() != null
                    && v.getSecret().getSecretName().equals("nats-client-tls")).findFirst().orElseThrow();
            assertThat(truststore.getSecret().getItems()).extracting(i -> i.getKey()).containsExactly("truststore.p12");
            Container c = m.container(service);
            String path = Manifests.envValue(c, "NATS_TLS_TRUSTSTORE");
            assertThat(c.getVolumeMounts()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(truststore.getName());
                assertThat(path).isEqualTo(v.getMountPath() + "/truststore.p12");
            });
            assertThat(Manifests.env(c).get("NATS_TLS_TRUSTSTORE_PASSWORD").getValueFrom().getSecretKeyRef().getName())
                    .startsWith("nats-users");
        }
    }

    @Test
    @DisplayName("prod: Redis credentials come only from the redis Secret, documented as rediss:// with a password")
    void prodRedisUsesAuthAndTls() throws IOException {
        Manifests m = Manifests.overlay("prod");
        for (String service : SERVICES) {
            EnvVar url = Manifests.env(m.container(service)).get("REDIS_URL");
            assertThat(url.getValue()).as(service + " REDIS_URL is no literal").isNull();
            assertThat(url.getValueFrom().getSecretKeyRef().getName()).isEqualTo("redis");
        }
        String readme = Files.readString(DeployFiles.resolve("README.md"));
        assertThat(readme).containsPattern("REDIS_URL='rediss://:[^@']+@");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("images are pinned, and both services run the same release")
    void imagesAreConsistent(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        String podImage = m.container(POD).getImage();
        String workerImage = m.container(WORKER).getImage();
        assertThat(podImage).startsWith("chatstream/backend-pod:");
        assertThat(workerImage).startsWith("chatstream/workflow-service:");
        assertThat(tag(podImage)).isEqualTo(tag(workerImage)).isEqualTo(overlay.equals("dev") ? "dev" : tag(podImage));
        for (PodSpec spec : podSpecs(m)) {
            for (Container c : spec.getContainers()) {
                assertThat(c.getImage()).as(c.getName()).contains(":").doesNotEndWith(":latest");
            }
        }
        assertThat(Manifests.container(m.statefulSet("nats").getSpec().getTemplate(), "nats").getImage())
                .isEqualTo(Images.NATS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("the JVMs size their heap from the container limit and exit on OutOfMemoryError")
    void jvmIsContainerAware(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        for (String service : SERVICES) {
            Container c = m.container(service);
            assertThat(Manifests.envValue(c, "JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError")
                    .doesNotContain("-Xmx");
            assertThat(c.getResources().getLimits()).containsKey("memory");
            assertThat(c.getResources().getRequests()).containsKeys("memory", "cpu");
            assertThat(c.getResources().getRequests().get("memory")).isEqualTo(c.getResources().getLimits().get("memory"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("the NATS server's Go memory limit sits between JetStream's memory store and the container limit")
    void natsMemoryFitsTheContainer(String overlay) {
        Container nats = Manifests.container(Manifests.overlay(overlay).statefulSet("nats").getSpec().getTemplate(), "nats");
        BigDecimal limit = Quantity.getAmountInBytes(nats.getResources().getLimits().get("memory"));
        BigDecimal goLimit = Quantity.getAmountInBytes(new Quantity(Manifests.envValue(nats, "GOMEMLIMIT").replace("iB", "i")));
        @SuppressWarnings("unchecked")
        Map<String, Object> jetstream = (Map<String, Object>) NATS_CONF.get("jetstream");
        assertThat(goLimit).isLessThan(limit).isGreaterThan(natsSize((String) jetstream.get("max_memory_store")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("pods scale on CPU and on SSE connections per pod, below MAX_CONNECTIONS; workers on CPU and outstanding work, below WORKER_CONCURRENCY")
    void autoscaling(String overlay) throws IOException {
        Manifests m = Manifests.overlay(overlay);
        HorizontalPodAutoscaler pods = m.get(HorizontalPodAutoscaler.class, POD);
        assertThat(pods.getSpec().getScaleTargetRef().getName()).isEqualTo(m.deployment(POD).getMetadata().getName());
        assertThat(pods.getSpec().getMetrics()).extracting(MetricSpec::getType).containsExactlyInAnyOrder("Resource", "Pods");
        MetricSpec connections = pods.getSpec().getMetrics().stream().filter(s -> s.getType().equals("Pods")).findFirst().orElseThrow();
        assertThat(connections.getPods().getMetric().getName()).isEqualTo("chat_sse_connections_active");
        BigDecimal target = connections.getPods().getTarget().getAverageValue().getNumericalAmount();
        assertThat(target).isLessThan(new BigDecimal(Manifests.envValue(m.container(POD), "MAX_CONNECTIONS")));

        HorizontalPodAutoscaler workers = m.get(HorizontalPodAutoscaler.class, WORKER);
        assertThat(workers.getSpec().getScaleTargetRef().getName()).isEqualTo(m.deployment(WORKER).getMetadata().getName());
        MetricSpec outstanding = workers.getSpec().getMetrics().stream().filter(s -> s.getType().equals("External"))
                .findFirst().orElseThrow();
        String external = outstanding.getExternal().getMetric().getName();
        // Scale before every worker's slots are taken.
        assertThat(outstanding.getExternal().getTarget().getAverageValue().getNumericalAmount())
                .isLessThan(new BigDecimal(Manifests.envValue(m.container(WORKER), "WORKER_CONCURRENCY")));
        // The Prometheus adapter serves both metric names.
        String adapterRules = Files.readString(DeployFiles.resolve("k8s/monitoring/prometheus-adapter-values.yaml"));
        assertThat(adapterRules).contains("as: \"chat_sse_connections_active\"", "as: \"" + external + "\"");
        for (HorizontalPodAutoscaler hpa : List.of(pods, workers)) {
            assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
            assertThat(m.deployment(hpa.getSpec().getScaleTargetRef().getName()).getSpec().getReplicas())
                    .as("replicas are left to the HPA").isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("each workload has a PodDisruptionBudget that selects it")
    void disruptionBudgets(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        Map<String, Map<String, String>> labels = Map.of(
                POD, m.deployment(POD).getSpec().getTemplate().getMetadata().getLabels(),
                WORKER, m.deployment(WORKER).getSpec().getTemplate().getMetadata().getLabels(),
                "nats", m.statefulSet("nats").getSpec().getTemplate().getMetadata().getLabels());
        labels.forEach((name, podLabels) -> {
            PodDisruptionBudget pdb = m.get(PodDisruptionBudget.class, name);
            assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
            assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("network policies open exactly the ports the containers listen on")
    void networkPolicies(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        Map<String, Container> byName = Map.of(POD, m.container(POD), WORKER, m.container(WORKER),
                "nats", Manifests.container(m.statefulSet("nats").getSpec().getTemplate(), "nats"));
        byName.forEach((name, container) -> {
            NetworkPolicy policy = m.get(NetworkPolicy.class, name);
            Set<Integer> open = new TreeSet<>();
            policy.getSpec().getIngress().forEach(rule -> rule.getPorts().forEach(p -> open.add(p.getPort().getIntVal())));
            Set<Integer> listening = new TreeSet<>();
            m.statefulSet("nats").getSpec().getTemplate().getSpec().getContainers().stream()
                    .filter(c -> name.equals("nats")).flatMap(c -> c.getPorts().stream()).forEach(p -> listening.add(p.getContainerPort()));
            container.getPorts().forEach(p -> listening.add(p.getContainerPort()));
            assertThat(open).as(name).isEqualTo(listening);
        });
        // Pods and workers may reach NATS's client port; so the NATS policy lets them in.
        NetworkPolicy nats = m.get(NetworkPolicy.class, "nats");
        assertThat(nats.getSpec().getIngress()).anySatisfy(rule -> {
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(4222);
            assertThat(rule.getFrom()).extracting(p -> p.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"))
                    .containsExactlyInAnyOrder(POD, WORKER);
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("the Ingress is safe for Server-Sent Events and routes to the pods' Service")
    void ingressIsSseSafe(String overlay) {
        Manifests m = Manifests.overlay(overlay);
        Ingress ingress = m.get(Ingress.class, POD);
        Map<String, String> a = ingress.getMetadata().getAnnotations();
        assertThat(a).containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
        assertThat(Integer.parseInt(a.get("nginx.ingress.kubernetes.io/proxy-read-timeout"))).isGreaterThanOrEqualTo(600);
        assertThat(Integer.parseInt(a.get("nginx.ingress.kubernetes.io/proxy-send-timeout"))).isGreaterThanOrEqualTo(600);
        assertThat(a).doesNotContainKeys("nginx.ingress.kubernetes.io/configuration-snippet",
                "nginx.ingress.kubernetes.io/affinity");
        var backend = ingress.getSpec().getRules().getFirst().getHttp().getPaths().getFirst().getBackend().getService();
        assertThat(backend.getName()).isEqualTo(POD);
        assertThat(m.get(Service.class, POD).getSpec().getPorts()).extracting(ServicePort::getName).contains(backend.getPort().getName());
    }

    // --- helpers ---------------------------------------------------------------------------------------

    static List<PodSpec> podSpecs(Manifests m) {
        List<PodSpec> specs = new ArrayList<>();
        m.all(Deployment.class).forEach(d -> specs.add(d.getSpec().getTemplate().getSpec()));
        m.all(StatefulSet.class).forEach(s -> specs.add(s.getSpec().getTemplate().getSpec()));
        return specs;
    }

    private static int resolve(IntOrString port, Container container) {
        return port.getIntVal() != null ? port.getIntVal() : containerPort(container, port.getStrVal());
    }

    private static int containerPort(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new NoSuchElementException(container.getName() + " has no port " + name)).getContainerPort();
    }

    private static String path(Probe probe) {
        return Objects.requireNonNull(probe.getHttpGet(), "an HTTP probe").getPath();
    }

    private static Duration duration(String name, String value) {
        return new Env(Map.of(name, value)).duration(name, Duration.ZERO, Duration.ZERO, Duration.ofDays(1));
    }

    /** A Go duration as nats.conf writes them: {@code 30s}, {@code 2m}. */
    private static Duration goDuration(String value) {
        return duration("go", value);
    }

    /** A nats.conf size: {@code 8GB}, {@code 512MB} (powers of 1024). */
    private static BigDecimal natsSize(String value) {
        String unit = value.replaceAll("[0-9]", "");
        long n = Long.parseLong(value.replaceAll("[^0-9]", ""));
        long factor = switch (unit.toUpperCase()) {
            case "KB", "K" -> 1L << 10;
            case "MB", "M" -> 1L << 20;
            case "GB", "G" -> 1L << 30;
            case "TB", "T" -> 1L << 40;
            default -> 1;
        };
        return BigDecimal.valueOf(n * factor);
    }

    private static int port(String listen) {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    private static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cluster() {
        return (Map<String, Object>) NATS_CONF.get("cluster");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> natsUsers() {
        Map<String, Object> accounts = (Map<String, Object>) NATS_CONF.get("accounts");
        return accounts.values().stream()
                .flatMap(a -> ((List<Object>) ((Map<String, Object>) a).get("users")).stream())
                .map(u -> (Map<String, Object>) u).toList();
    }

    private static Map<String, Object> natsUser(String name) {
        return natsUsers().stream().filter(u -> name.equals(u.get("user"))).findFirst().orElseThrow();
    }
}
