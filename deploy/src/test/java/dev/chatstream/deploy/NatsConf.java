package dev.chatstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the subset of the nats-server configuration syntax our files use: maps, arrays, quoted and
 * bare values, {@code #} and {@code //} comments, {@code include}, and {@code $NAME} variables
 * defined in the same document (references to the environment stay as {@code "$NAME"} strings).
 * Values come out as {@link Map}, {@link List} or {@link String}. The real parser is nats-server's;
 * {@link NatsClusterConfigTest} runs the files with it.
 */
final class NatsConf {
    private final String text;
    private final Path dir;
    private int pos;

    private NatsConf(String text, Path dir) {
        this.text = text;
        this.dir = dir;
    }

    /** The file's top-level map, includes merged and document variables resolved. */
    static Map<String, Object> parse(Path file) {
        Map<String, Object> raw = parseRaw(file);
        return resolve(raw, raw);
    }

    private static Map<String, Object> parseRaw(Path file) {
        try {
            NatsConf parser = new NatsConf(Files.readString(file), file.toAbsolutePath().getParent());
            Map<String, Object> top = new LinkedHashMap<>();
            parser.entries(top, '\0');
            return top;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T resolve(T value, Map<String, Object> variables) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, resolve(v, variables)));
            return (T) out;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(v -> resolve(v, variables)).toList();
        }
        if (value instanceof Bare bare && bare.text().startsWith("$")) {
            Object defined = variables.get(bare.text().substring(1));
            return (T) (defined != null ? resolve(defined, variables) : bare.text());
        }
        if (value instanceof Bare bare) {
            return (T) bare.text();
        }
        return value;
    }

    /** An unquoted value: only these can be variable references. */
    private record Bare(String text) {
    }

    private void entries(Map<String, Object> into, char close) {
        while (true) {
            skipSpaceAndSeparators();
            if (pos >= text.length()) {
                if (close != '\0') {
                    throw error("missing '" + close + "'");
                }
                return;
            }
            if (text.charAt(pos) == close) {
                pos++;
                return;
            }
            String key = key();
            if (key.equals("include")) {
                skipInlineSpace();
                Path included = dir.resolve(bareOrQuoted());
                into.putAll(parseRaw(included));
                continue;
            }
            skipInlineSpace();
            if (pos < text.length() && (text.charAt(pos) == ':' || text.charAt(pos) == '=')) {
                pos++;
            }
            skipInlineSpace();
            into.put(key, value());
        }
    }

    private Object value() {
        char c = text.charAt(pos);
        if (c == '{') {
            pos++;
            Map<String, Object> map = new LinkedHashMap<>();
            entries(map, '}');
            return map;
        }
        if (c == '[') {
            pos++;
            List<Object> list = new ArrayList<>();
            while (true) {
                skipSpaceAndSeparators();
                if (pos >= text.length()) {
                    throw error("missing ']'");
                }
                if (text.charAt(pos) == ']') {
                    pos++;
                    return list;
                }
                list.add(value());
            }
        }
        if (c == '"' || c == '\'') {
            return quoted();
        }
        return new Bare(bare());
    }

    private String key() {
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') {
            return quoted();
        }
        int start = pos;
        while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))
                && ":=".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a key");
        }
        return text.substring(start, pos);
    }

    private String bareOrQuoted() {
        char c = text.charAt(pos);
        return c == '"' || c == '\'' ? quoted() : bare();
    }

    private String bare() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            boolean comment = c == '#' || (text.startsWith("//", pos) && pos > start
                    && Character.isWhitespace(text.charAt(pos - 1)));
            if (comment || "\n\r,]}".indexOf(c) >= 0) {
                break;
            }
            pos++;
        }
        return text.substring(start, pos).trim();
    }

    private String quoted() {
        char quote = text.charAt(pos++);
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != quote) {
            pos++;
        }
        if (pos >= text.length()) {
            throw error("unterminated string");
        }
        return text.substring(start, pos++);
    }

    private void skipInlineSpace() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipSpaceAndSeparators() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == ',' || c == ';') {
                pos++;
            } else if (c == '#' || text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private IllegalArgumentException error(String problem) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException("line " + line + ": " + problem);
    }
}
