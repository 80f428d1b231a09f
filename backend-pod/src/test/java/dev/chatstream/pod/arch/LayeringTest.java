package dev.chatstream.pod.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pod's layering, kept by a test rather than by review: the router knows sessions and connections,
 * the SSE transport knows the wire, NATS hands over batches, resume reaches history only through its port.
 */
class LayeringTest {
    private static final String POD = "dev.chatstream.pod.";
    /** Above this a production class is doing more than one thing (STYLE.md: small classes, one concept). */
    private static final int MAX_LINES = 300;
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.chatstream.pod");
    }

    @Test
    @DisplayName("routing imports nothing of http, sse, nats, resume or the NATS client")
    void routingKnowsSessionsAndConnectionsOnly() {
        noClasses().that().resideInAPackage(POD + "routing..")
                .should().dependOnClassesThat().resideInAnyPackage(POD + "http..", POD + "sse..", POD + "nats..",
                        POD + "resume..", "io.nats..", "io.vertx.core.http..", "io.vertx.ext.web..")
                .check(classes);
    }

    @Test
    @DisplayName("nats imports nothing of sse or http, and sse nothing of nats or the NATS client")
    void transportsStayApart() {
        noClasses().that().resideInAPackage(POD + "nats..")
                .should().dependOnClassesThat().resideInAnyPackage(POD + "sse..", POD + "http..")
                .check(classes);
        noClasses().that().resideInAPackage(POD + "sse..")
                .should().dependOnClassesThat().resideInAnyPackage(POD + "nats..", "io.nats..")
                .check(classes);
    }

    @Test
    @DisplayName("resume reaches history only through its port: nothing of nats, sse, http or the NATS client")
    void resumeUsesItsPort() {
        noClasses().that().resideInAPackage(POD + "resume..")
                .should().dependOnClassesThat().resideInAnyPackage(POD + "nats..", POD + "sse..", POD + "http..",
                        "io.nats..", "io.vertx.core.http..", "io.vertx.ext.web..")
                .check(classes);
    }

    @Test
    @DisplayName("only the composition root (app) builds on every layer: no other package imports app")
    void nothingImportsTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackage(POD + "app..")
                .should().dependOnClassesThat().resideInAPackage(POD + "app..")
                .check(classes);
    }

    @Test
    @DisplayName("no production class of backend-pod is longer than about 300 lines")
    void classesStaySmall() throws IOException {
        Path sources = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            List<String> tooLong = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> lines(file) > MAX_LINES)
                    .map(file -> sources.relativize(file) + " (" + lines(file) + " lines)")
                    .toList();
            assertThat(tooLong).isEmpty();
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
