package dev.chatstream.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The environment variables each service reads, from {@code service-env.txt}. */
final class ServiceEnv {
    static final String POD = "backend-pod";
    static final String WORKER = "workflow-service";
    static final List<String> SERVICES = List.of(POD, WORKER);

    /** One variable of one service. */
    record Variable(String service, String name, boolean required, Optional<String> value) {
    }

    private static final List<Variable> ALL = load();

    private ServiceEnv() {
    }

    static List<Variable> of(String service) {
        return ALL.stream().filter(v -> v.service().equals(service)).toList();
    }

    static Set<String> names(String service) {
        return of(service).stream().map(Variable::name).collect(Collectors.toSet());
    }

    static Set<String> required(String service) {
        return of(service).stream().filter(Variable::required).map(Variable::name).collect(Collectors.toSet());
    }

    /** The value every manifest must give {@code name}, e.g. HTTP_PORT. */
    static String fixedValue(String service, String name) {
        return of(service).stream().filter(v -> v.name().equals(name)).findFirst()
                .flatMap(Variable::value).orElseThrow(() -> new IllegalStateException(service + " " + name + " has no fixed value"));
    }

    private static List<Variable> load() {
        try (InputStream in = Objects.requireNonNull(ServiceEnv.class.getResourceAsStream("/service-env.txt"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> line.split("\\s+"))
                    .map(f -> new Variable(f[0], f[1], switch (f[2]) {
                        case "required" -> true;
                        case "optional" -> false;
                        default -> throw new IllegalStateException("service-env.txt: '" + f[2] + "' is neither required nor optional");
                    }, f.length > 3 ? Optional.of(f[3]) : Optional.empty()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
