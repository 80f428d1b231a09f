package dev.chatstream.system;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** HS256 JWTs for pods started with {@code AUTH_MODE=jwt} and {@code AUTH_JWT_SECRET=}{@link #SECRET}. */
final class Tokens {
    static final String SECRET = "system-tests-secret-system-tests-secret-01";

    private Tokens() {
    }

    /** A token for {@code sub}, valid for ten minutes. */
    static String forUser(String sub) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(sub)
                    .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
