package dev.chatstream.pod.config;

import dev.chatstream.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses {@code CORS_ALLOWED_ORIGINS}: a comma-separated list of exact origins ({@code scheme://host[:port]},
 * http or https, no path). A wildcard is refused: the API answers credentialed requests (cookies), and a
 * browser never sends those to {@code *}.
 */
final class AllowedOrigins {
    static final String VARIABLE = "CORS_ALLOWED_ORIGINS";

    private AllowedOrigins() {
    }

    static List<String> parse(String raw) {
        List<String> origins = new ArrayList<>();
        for (String part : raw.split(",")) {
            String origin = part.strip();
            if (!origin.isEmpty()) {
                origins.add(normalize(origin));
            }
        }
        return List.copyOf(origins);
    }

    private static String normalize(String origin) {
        if (origin.contains("*")) {
            throw new ConfigException(VARIABLE, "'" + origin + "': wildcards are not allowed, list each origin");
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw new ConfigException(VARIABLE, "'" + origin + "' is not an origin (scheme://host[:port])");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean bare = (path.isEmpty() || path.equals("/")) && uri.getRawQuery() == null
                && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare) {
            throw new ConfigException(VARIABLE, "'" + origin + "' is not an origin (http(s)://host[:port], no path)");
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
