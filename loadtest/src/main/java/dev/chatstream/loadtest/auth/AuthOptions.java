package dev.chatstream.loadtest.auth;

import java.nio.charset.StandardCharsets;

/** {@code --auth}, {@code --jwt-secret}, {@code --jwt-issuer}, {@code --jwt-audience}, checked once. */
public record AuthOptions(AuthMode mode, String jwtSecret, String jwtIssuer, String jwtAudience) {

    /** HS256 needs a key of at least 256 bits; the pods refuse shorter ones too. */
    static final int MIN_SECRET_BYTES = 32;

    public AuthOptions {
        if (mode == AuthMode.JWT && jwtSecret == null) {
            throw new IllegalArgumentException("jwt-secret: required with --auth jwt (the pods' AUTH_JWT_SECRET)");
        }
        if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("jwt-secret: at least " + MIN_SECRET_BYTES + " bytes for HS256");
        }
    }

    public static AuthOptions none() {
        return new AuthOptions(AuthMode.NONE, null, null, null);
    }
}
