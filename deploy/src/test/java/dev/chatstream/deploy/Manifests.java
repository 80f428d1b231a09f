package dev.chatstream.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** Kubernetes objects parsed from YAML into fabric8's typed model. */
final class Manifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final List<HasMetadata> items;

    private Manifests(List<HasMetadata> items) {
        this.items = List.copyOf(items);
    }

    /** One or more YAML documents. */
    static Manifests parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        if (parsed instanceof KubernetesList list) {
            return new Manifests(list.getItems());
        }
        if (parsed instanceof List<?> list) {
            return new Manifests(list.stream().map(HasMetadata.class::cast).toList());
        }
        return new Manifests(List.of((HasMetadata) parsed));
    }

    private static final Map<String, Manifests> OVERLAYS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The rendered overlay {@code deploy/k8s/overlays/<name>}, rendered and parsed once per test JVM. */
    static Manifests overlay(String name) {
        return OVERLAYS.computeIfAbsent(name, n -> parse(Kustomize.render(DeployFiles.overlay(n))));
    }

    List<HasMetadata> items() {
        return items;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return items.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no " + type.getSimpleName() + " named " + name));
    }

    /** A generated object (ConfigMap, Secret) whose name is {@code prefix} plus kustomize's hash suffix. */
    <T extends HasMetadata> T generated(Class<T> type, String prefix) {
        return all(type).stream().filter(o -> o.getMetadata().getName().matches(prefix + "(-[a-z0-9]{10})?"))
                .findFirst().orElseThrow(() -> new NoSuchElementException("no " + type.getSimpleName() + " " + prefix + "-<hash>"));
    }

    Deployment deployment(String name) {
        return get(Deployment.class, name);
    }

    StatefulSet statefulSet(String name) {
        return get(StatefulSet.class, name);
    }

    /** The container named like its Deployment. */
    Container container(String deployment) {
        return container(deployment(deployment).getSpec().getTemplate(), deployment);
    }

    static Container container(PodTemplateSpec template, String name) {
        return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no container " + name));
    }

    /** The container's env, by name (order kept). */
    static Map<String, EnvVar> env(Container container) {
        Map<String, EnvVar> env = new LinkedHashMap<>();
        container.getEnv().forEach(e -> env.put(e.getName(), e));
        return env;
    }

    /** A literal env value. */
    static String envValue(Container container, String name) {
        EnvVar var = env(container).get(name);
        if (var == null || var.getValue() == null) {
            throw new NoSuchElementException(container.getName() + " has no literal value for " + name);
        }
        return var.getValue();
    }
}
