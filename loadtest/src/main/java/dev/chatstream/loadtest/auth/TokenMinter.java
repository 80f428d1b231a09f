package dev.chatstream.loadtest.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/** Signs HS256 access tokens the way an identity provider would, one user per session of the run. */
final class TokenMinter {
    /** Long enough for any run; the pods check {@code exp}, so a token must carry one. */
    private static final Duration LIFETIME = Duration.ofHours(12);

    private final MACSigner signer;
    private final String issuer;
    private final String audience;

    TokenMinter(AuthOptions options) {
        try {
            this.signer = new MACSigner(options.jwtSecret().getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("jwt-secret: " + e.getMessage(), e);
        }
        this.issuer = options.jwtIssuer();
        this.audience = options.jwtAudience();
    }

    /** A bearer token whose {@code sub} is {@code userId}. */
    String mint(String userId) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)));
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a load-test token failed", e);
        }
        return jwt.serialize();
    }
}
