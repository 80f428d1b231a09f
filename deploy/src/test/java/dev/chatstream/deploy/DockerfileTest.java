package dev.chatstream.deploy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfiles build the runnable jar and run it as the user and port the manifests expect. */
class DockerfileTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ServiceEnv.POD, ServiceEnv.WORKER})
    @DisplayName("a service image is built by Maven and runs its jar on a JRE as the manifests' non-root user")
    void imageRunsTheJarAsNonRoot(String service) throws IOException {
        List<String> lines = Files.readAllLines(DeployFiles.resolve("docker/" + service + ".Dockerfile"));
        List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(2);
        assertThat(from.get(0)).startsWith("FROM maven:").contains("eclipse-temurin-21").endsWith(" AS build");
        assertThat(from.get(1)).isEqualTo("FROM eclipse-temurin:21-jre");
        String text = String.join("\n", lines);
        assertThat(text).contains("mvn -B -q -pl " + service + " -am package", service + "/target/" + service + ".jar",
                "ENTRYPOINT [\"java\", \"-jar\", \"/app/" + service + ".jar\"]");

        var pod = Manifests.overlay("prod").deployment(service).getSpec().getTemplate().getSpec();
        long uid = pod.getSecurityContext().getRunAsUser();
        assertThat(lines).contains("USER " + uid + ":" + pod.getSecurityContext().getRunAsGroup());
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(lines).contains("EXPOSE " + ServiceEnv.fixedValue(service, "HTTP_PORT"));
        assertThat(Files.readString(DeployFiles.resolve("docker/" + service + ".Dockerfile.dockerignore"))).contains("**/target/");
    }
}
