package dev.chatstream.pod.support;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** HS256 test tokens for pods running {@code AUTH_MODE=jwt} with {@link #SECRET}. */
public final class Tokens {
    public static final String SECRET = "test-secret-test-secret-test-secret-0123";

    private Tokens() {
    }

    /** A token for {@code sub}, valid for five minutes. */
    public static String forUser(String sub) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(sub)
                    .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code Authorization} header value for {@code sub}. */
    public static String bearer(String sub) {
        return "Bearer " + forUser(sub);
    }
}
