package dev.chatstream.pod.config;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Who a request comes from: {@code AUTH_MODE} ({@code jwt}, {@code guest} — the default — or {@code none})
 * and the keys of that mode. Validated once: {@code jwt} needs exactly one of {@code AUTH_JWT_SECRET} (HS256,
 * at least 32 bytes), {@code AUTH_JWT_PUBLIC_KEY} (a PEM file, RS256 or ES256) or {@code AUTH_JWKS_URL};
 * {@code AUTH_JWT_ISSUER} and {@code AUTH_JWT_AUDIENCE} are optional. {@code guest} signs its cookie with
 * {@code AUTH_GUEST_SECRET} (at least 32 bytes; unset = a random secret of this process).
 * {@code AUTH_COOKIE_SECURE} marks the cookies {@code Secure} (behind TLS).
 */
public record AuthSettings(Mode mode, Optional<byte[]> jwtSecret, Optional<Path> jwtPublicKey, Optional<URI> jwksUrl,
                           Optional<String> issuer, Optional<String> audience, Optional<byte[]> guestSecret,
                           boolean cookieSecure) {

    /** HS256 needs a key at least as long as its hash (RFC 7518 §3.2). */
    public static final int MIN_SECRET_BYTES = 32;

    /** The three ways a pod may identify its callers. */
    public enum Mode {
        JWT, GUEST, NONE;

        /** The name used in {@code AUTH_MODE} and in {@code GET /api/me}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static AuthSettings fromEnv(Env env) {
        Mode mode = Mode.valueOf(env.choice("AUTH_MODE", "guest", Set.of("jwt", "guest", "none"))
                .toUpperCase(java.util.Locale.ROOT));
        Optional<byte[]> secret = secret("AUTH_JWT_SECRET", env.optional("AUTH_JWT_SECRET"));
        Optional<Path> publicKey = env.readableFile("AUTH_JWT_PUBLIC_KEY");
        Optional<URI> jwks = env.uri("AUTH_JWKS_URL", Set.of("http", "https"));
        if (mode == Mode.JWT) {
            int keys = (secret.isPresent() ? 1 : 0) + (publicKey.isPresent() ? 1 : 0) + (jwks.isPresent() ? 1 : 0);
            if (keys == 0) {
                throw new ConfigException("AUTH_JWT_SECRET", "AUTH_MODE=jwt needs a key: set AUTH_JWT_SECRET, "
                        + "AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL");
            }
            if (keys > 1) {
                throw new ConfigException("AUTH_JWT_SECRET", "set only one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY "
                        + "and AUTH_JWKS_URL: the accepted algorithm is pinned to that one key type");
            }
        }
        return new AuthSettings(mode, secret, publicKey, jwks, env.optional("AUTH_JWT_ISSUER"),
                env.optional("AUTH_JWT_AUDIENCE"), secret("AUTH_GUEST_SECRET", env.optional("AUTH_GUEST_SECRET")),
                env.bool("AUTH_COOKIE_SECURE", false));
    }

    /** Guest mode with a fixed secret, jwt with an HS256 secret, or none: for tests and the composition root. */
    public static AuthSettings of(Mode mode, byte[] secret) {
        return new AuthSettings(mode, mode == Mode.JWT ? Optional.of(secret) : Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(),
                mode == Mode.GUEST ? Optional.ofNullable(secret) : Optional.empty(), false);
    }

    private static Optional<byte[]> secret(String name, Optional<String> value) {
        Optional<byte[]> bytes = value.map(s -> s.getBytes(StandardCharsets.UTF_8));
        if (bytes.isPresent() && bytes.get().length < MIN_SECRET_BYTES) {
            throw new ConfigException(name, "is " + bytes.get().length + " bytes; it must be at least "
                    + MIN_SECRET_BYTES + " bytes (e.g. openssl rand -base64 48)");
        }
        return bytes;
    }
}
