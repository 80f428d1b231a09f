package dev.chatstream.deploy;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code service-env.txt} lists exactly the variables the services' sources read through
 * common-schemas {@code Env} (their own config code, plus {@code NatsSettings} and
 * {@code StreamSettings} when they use them). A service module without configuration code in this
 * checkout (a stub) is reported as skipped, with the reason.
 */
class ServiceEnvSourceTest {
    /** A read of a named variable through one of Env's typed accessors. */
    private static final Pattern READ = Pattern.compile(
            "\\.(?:string|integer|decimal|bool|port|duration|choice|token|uri|readableFile|optional)\\(\\s*\"([A-Z][A-Z0-9_]+)\"");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ServiceEnv.POD, ServiceEnv.WORKER})
    @DisplayName("the fixture lists exactly the variables the service's sources read")
    void fixtureMatchesTheSources(String service) {
        Path repo = DeployFiles.root().getParent();
        Path sources = repo.resolve(service).resolve("src/main/java");
        Set<String> read = names(sources);
        Assumptions.assumeFalse(read.isEmpty(), service + " has no configuration code in this checkout (" + sources + ")");
        String all = text(sources);
        Path common = repo.resolve("common-schemas/src/main/java/dev/chatstream");
        if (all.contains("NatsSettings.fromEnv")) {
            read.addAll(names(common.resolve("config/NatsSettings.java")));
        }
        if (all.contains("StreamSettings.fromEnv")) {
            read.addAll(names(common.resolve("streams/StreamSettings.java")));
        }
        if (all.contains("AnswerLimits.fromEnv")) {
            read.add(dev.chatstream.config.AnswerLimits.MAX_DURATION_VARIABLE);
        }
        Set<String> listed = new TreeSet<>();
        ServiceEnv.of(service).stream().filter(v -> !v.type().equals("jvm") && !v.type().equals("otel")).forEach(v -> listed.add(v.name()));
        assertThat(listed).as("service-env.txt for " + service + " (left) against its sources (right)")
                .containsExactlyInAnyOrderElementsOf(read);
    }

    private static Set<String> names(Path sources) {
        Set<String> names = new TreeSet<>();
        Matcher m = READ.matcher(text(sources));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String text(Path sources) {
        if (!Files.exists(sources)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(sources)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(f)).append('\n');
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
