package dev.chatstream.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every manifest under {@code deploy/k8s} and every rendered overlay is made of typed Kubernetes objects. */
class ManifestParsingTest {

    /** Kustomization files, Helm values and k8s/monitoring (Prometheus configuration) are not Kubernetes objects. */
    static Stream<Path> manifestFiles() throws IOException {
        Path monitoring = DeployFiles.resolve("k8s/monitoring");
        try (Stream<Path> files = Files.walk(DeployFiles.resolve("k8s"))) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !f.getFileName().toString().endsWith("-values.yaml"))
                    .filter(f -> !f.startsWith(monitoring))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifestFiles")
    @DisplayName("a manifest file parses into typed Kubernetes objects")
    void manifestFileParses(Path file) throws IOException {
        Manifests manifests = Manifests.parse(Files.readString(file));
        assertThat(manifests.items()).isNotEmpty().allSatisfy(ManifestParsingTest::assertTyped);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    @DisplayName("an overlay renders with kustomize into typed Kubernetes objects")
    void overlayRendersIntoTypedObjects(String overlay) {
        Manifests manifests = Manifests.overlay(overlay);
        assertThat(manifests.items()).hasSizeGreaterThan(15).allSatisfy(ManifestParsingTest::assertTyped);
        assertThat(manifests.items()).allSatisfy(o -> assertThat(o.getMetadata().getNamespace())
                .as(o.getKind() + " " + o.getMetadata().getName())
                .isEqualTo(o.getKind().equals("Namespace") ? null : overlay.equals("prod") ? "chatstream" : "chatstream-dev"));
    }

    /** Only custom resources (Prometheus Operator, cert-manager) may stay generic. */
    private static void assertTyped(HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic) {
            assertThat(generic.getApiVersion()).as("generic object " + generic.getKind())
                    .matches("(monitoring\\.coreos\\.com|cert-manager\\.io)/.*");
        }
        assertThat(object.getMetadata().getName()).isNotBlank();
    }
}
