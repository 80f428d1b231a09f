package dev.chatstream.config;

import dev.chatstream.subjects.SubjectToken;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, validated reads of environment variables. Every failure is a {@link ConfigException}
 * naming the variable. Backed by a map so tests pass their own environment.
 */
public final class Env {
    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The process environment. */
    public static Env system() {
        return new Env(System.getenv());
    }

    /** The trimmed value, or empty when unset or blank. */
    public Optional<String> optional(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.trim());
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "'" + printable(raw.get()) + "' is not an integer");
        }
        if (value < min || value > max) {
            throw new ConfigException(name, value + " is out of range; must be between " + min + " and " + max);
        }
        return value;
    }

    public double decimal(String name, double defaultValue, double min, double max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "'" + printable(raw.get()) + "' is not a number");
        }
        if (Double.isNaN(value) || value < min || value > max) {
            throw new ConfigException(name, raw.get() + " is out of range; must be between " + min + " and " + max);
        }
        return value;
    }

    public boolean bool(String name, boolean defaultValue) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name, "'" + printable(raw.get()) + "' is not a boolean (true or false)");
        };
    }

    /** A TCP port, 1..65535 (0 allowed when {@code allowEphemeral}). */
    public int port(String name, int defaultValue, boolean allowEphemeral) {
        return integer(name, defaultValue, allowEphemeral ? 0 : 1, 65535);
    }

    /**
     * A duration: a number with unit {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
     * (e.g. {@code 250ms}, {@code 30s}, {@code 24h}); a bare number is milliseconds.
     */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration value = parseDuration(name, raw.get());
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(name, raw.get() + " is out of range; must be between " + min + " and " + max);
        }
        return value;
    }

    /** One of {@code allowed}, case-insensitive, returned in lower case. */
    public String choice(String name, String defaultValue, Set<String> allowed) {
        String value = string(name, defaultValue).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new ConfigException(name, "'" + printable(value) + "' is not one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return value;
    }

    /** A single NATS subject token ({@code [A-Za-z0-9_-]{1,64}}). */
    public String token(String name, String defaultValue) {
        String value = string(name, defaultValue);
        try {
            return SubjectToken.require(value, "value");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, "'" + printable(value) + "' is not a valid subject token: " + e.getMessage()
                    .replaceFirst("^value ", ""));
        }
    }

    /** An absolute URI with one of {@code schemes} and a host. */
    public Optional<URI> uri(String name, Set<String> schemes) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parseUri(name, raw.get(), schemes));
    }

    /** An existing, readable file. */
    public Optional<Path> readableFile(String name) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(raw.get());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(name, "'" + printable(raw.get()) + "' is not a readable file");
        }
        return Optional.of(path);
    }

    static URI parseUri(String name, String raw, Set<String> schemes) {
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new ConfigException(name, "'" + printable(raw) + "' is not a valid URL: " + e.getReason());
        }
        if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw new ConfigException(name, "'" + printable(raw) + "' must start with "
                    + String.join(" or ", schemes.stream().sorted().map(s -> s + "://").toList()));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new ConfigException(name, "'" + printable(raw) + "' has no host");
        }
        return uri;
    }

    private static Duration parseDuration(String name, String raw) {
        String s = raw.toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < s.length() && Character.isDigit(s.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new ConfigException(name, "'" + printable(raw) + "' is not a duration (e.g. 250ms, 30s, 5m, 24h)");
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, split));
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "'" + printable(raw) + "' is too large");
        }
        return switch (s.substring(split)) {
            case "", "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new ConfigException(name, "'" + printable(raw) + "' has an unknown unit; use ms, s, m, h or d");
        };
    }

    /** Replaces control and non-ASCII characters so an error line stays one printable line. */
    static String printable(String raw) {
        StringBuilder out = new StringBuilder(Math.min(raw.length(), 80));
        for (int i = 0; i < raw.length() && i < 80; i++) {
            char c = raw.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (raw.length() > 80) {
            out.append("...");
        }
        return out.toString();
    }
}
