package dev.chatstream.deploy;

import dev.chatstream.config.Env;
import dev.chatstream.config.NatsSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The environment variables each service reads, from {@code service-env.txt}. */
final class ServiceEnv {
    static final String POD = "backend-pod";
    static final String WORKER = "workflow-service";
    static final List<String> SERVICES = List.of(POD, WORKER);

    /** One variable of one service: whether manifests must set it, how it is parsed, a value all must give it. */
    record Variable(String service, String name, boolean required, String type, Optional<String> value) {

        /**
         * Parses {@code raw} as the service would (common-schemas {@link Env}); throws
         * {@link dev.chatstream.config.ConfigException} naming the variable when it would refuse it.
         */
        void validate(String raw) {
            Env env = new Env(Map.of(name, raw));
            String[] t = type.split(":");
            switch (t[0]) {
                case "string", "jvm", "otel" -> env.string(name, "");
                case "bool" -> env.bool(name, false);
                case "token" -> env.token(name, "unset");
                case "int" -> env.integer(name, 0, Integer.parseInt(t[1]), Integer.parseInt(t[2]));
                case "port" -> env.port(name, 1, false);
                case "duration" -> env.duration(name, Duration.ZERO, Duration.ZERO, Duration.ofDays(1));
                case "choice" -> env.choice(name, raw, Set.of(t[1].split("\\|")));
                case "nats-url" -> NatsSettings.fromEnv(env);
                case "redis-url" -> env.uri(name, Set.of("redis", "rediss"));
                case "http-url" -> env.uri(name, Set.of("http", "https"));
                default -> throw new IllegalStateException("service-env.txt: unknown type " + type + " of " + name);
            }
        }
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

    static Variable variable(String service, String name) {
        return of(service).stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(service + " does not read " + name));
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
                    }, f[3], f.length > 4 ? Optional.of(f[4]) : Optional.empty()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
