package dev.chatstream.pod.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.chatstream.pod.config.AuthSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JWT verifier against tokens made by Nimbus itself, each test one way a token can be wrong. */
class JwtVerifierTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);
    private static RSAKey rsa;
    private static ECKey ec;
    private static Vertx vertx;

    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder().subject("alice").expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String keyId, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet claims) throws Exception {
        return sign(new MACSigner(SECRET), JWSAlgorithm.HS256, null, claims);
    }

    private static AuthSettings secretSettings(Optional<String> issuer, Optional<String> audience) {
        return new AuthSettings(AuthSettings.Mode.JWT, Optional.of(SECRET), Optional.empty(), Optional.empty(),
                issuer, audience, Optional.empty(), false);
    }

    private static JwtVerifier pemVerifier(java.security.PublicKey key) throws Exception {
        Path file = Files.createTempFile(dir, "key", ".pem");
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        return JwtVerifier.create(new AuthSettings(AuthSettings.Mode.JWT, Optional.empty(), Optional.of(file),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false));
    }

    @Test
    @DisplayName("a valid HS256 token yields its sub")
    void acceptsValidToken() throws Exception {
        assertThat(JwtVerifier.create(secretSettings(Optional.empty(), Optional.empty())).verify(hs256(valid().build())))
                .isEqualTo("alice");
    }

    @Test
    @DisplayName("an unsigned token (alg none) is refused")
    void refusesNone() {
        String none = new PlainJWT(new PlainHeader(), valid().build()).serialize();
        assertThatThrownBy(() -> JwtVerifier.create(secretSettings(Optional.empty(), Optional.empty())).verify(none))
                .isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("an expired token is refused, beyond the clock-skew leeway")
    void refusesExpired() throws Exception {
        String token = hs256(valid().expirationTime(Date.from(Instant.now().minusSeconds(JwtVerifier.CLOCK_SKEW_SECONDS + 60))).build());
        assertThatThrownBy(() -> JwtVerifier.create(secretSettings(Optional.empty(), Optional.empty())).verify(token))
                .isInstanceOf(AuthFailure.class).hasMessageContaining("xpired");
    }

    @Test
    @DisplayName("a token without exp is refused")
    void refusesMissingExpiry() throws Exception {
        String token = hs256(new JWTClaimsSet.Builder().subject("alice").build());
        assertThatThrownBy(() -> JwtVerifier.create(secretSettings(Optional.empty(), Optional.empty())).verify(token))
                .isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("a token that is not valid yet (nbf in the future) is refused")
    void refusesNotYetValid() throws Exception {
        String token = hs256(valid().notBeforeTime(Date.from(Instant.now().plusSeconds(JwtVerifier.CLOCK_SKEW_SECONDS + 120))).build());
        assertThatThrownBy(() -> JwtVerifier.create(secretSettings(Optional.empty(), Optional.empty())).verify(token))
                .isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("a token from another issuer is refused when AUTH_JWT_ISSUER is set")
    void refusesWrongIssuer() throws Exception {
        JwtVerifier verifier = JwtVerifier.create(secretSettings(Optional.of("https://id.example"), Optional.empty()));
        assertThat(verifier.verify(hs256(valid().issuer("https://id.example").build()))).isEqualTo("alice");
        String token = hs256(valid().issuer("https://evil.example").build());
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("a token for another audience is refused when AUTH_JWT_AUDIENCE is set")
    void refusesWrongAudience() throws Exception {
        JwtVerifier verifier = JwtVerifier.create(secretSettings(Optional.empty(), Optional.of("chat")));
        assertThat(verifier.verify(hs256(valid().audience("chat").build()))).isEqualTo("alice");
        String other = hs256(valid().audience("billing").build());
        String none = hs256(valid().build());
        assertThatThrownBy(() -> verifier.verify(other)).isInstanceOf(AuthFailure.class);
        assertThatThrownBy(() -> verifier.verify(none)).isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("a token signed with another secret is refused")
    void refusesBadSignature() throws Exception {
        String token = sign(new MACSigner("another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8)),
                JWSAlgorithm.HS256, null, valid().build());
        assertThatThrownBy(() -> JwtVerifier.create(secretSettings(Optional.empty(), Optional.empty())).verify(token))
                .isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("a malformed token is refused")
    void refusesGarbage() {
        assertThatThrownBy(() -> JwtVerifier.create(secretSettings(Optional.empty(), Optional.empty())).verify("a.b.c"))
                .isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("an RS256 token verifies against a PEM public key; HS256 signed with that public key (HS/RS confusion) is refused")
    void refusesAlgorithmConfusion() throws Exception {
        JwtVerifier verifier = pemVerifier(rsa.toPublicKey());
        assertThat(verifier.verify(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, null, valid().build()))).isEqualTo("alice");
        // The attacker knows the public key and uses its bytes as an HMAC secret.
        byte[] publicBytes = ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa.toPublicKey().getEncoded())
                + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        String confused = sign(new MACSigner(publicBytes), JWSAlgorithm.HS256, null, valid().build());
        assertThatThrownBy(() -> verifier.verify(confused)).isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("a key pins its algorithm: an EC key accepts ES256 and refuses an RS256 token")
    void refusesWrongAlgorithm() throws Exception {
        JwtVerifier verifier = pemVerifier(ec.toPublicKey());
        assertThat(verifier.verify(sign(new ECDSASigner(ec), JWSAlgorithm.ES256, null, valid().build()))).isEqualTo("alice");
        String rs = sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, null, valid().build());
        assertThatThrownBy(() -> verifier.verify(rs)).isInstanceOf(AuthFailure.class);
    }

    @Test
    @DisplayName("a JWKS key rotation is picked up: a token with a new kid makes the verifier fetch the set again")
    void followsJwksRotation() throws Exception {
        AtomicReference<String> served = new AtomicReference<>(new JWKSet(rsa.toPublicJWK()).toString());
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.response().putHeader("Content-Type", "application/json").end(served.get()))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        try {
            JwtVerifier verifier = JwtVerifier.create(new AuthSettings(AuthSettings.Mode.JWT, Optional.empty(), Optional.empty(),
                    Optional.of(URI.create("http://127.0.0.1:" + server.actualPort() + "/jwks.json")),
                    Optional.empty(), Optional.empty(), Optional.empty(), false));
            assertThat(verifier.mayBlock()).isTrue();
            assertThat(verifier.verify(sign(new RSASSASigner(rsa), JWSAlgorithm.RS256, "rsa-1", valid().build()))).isEqualTo("alice");

            RSAKey next = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
            served.set(new JWKSet(java.util.List.of(rsa.toPublicJWK(), next.toPublicJWK())).toString());
            String rotated = sign(new RSASSASigner(next), JWSAlgorithm.RS256, "rsa-2", valid().subject("bob").build());
            // Re-fetches are rate limited to one per JWKS_MIN_REFETCH_MS: retry until the window allows it.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "bob".equals(verifier.verify(rotated)));
            // A key the issuer never published stays refused.
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-3").generate();
            String forged = sign(new RSASSASigner(stranger), JWSAlgorithm.RS256, "rsa-3", valid().build());
            assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(AuthFailure.class);
        } finally {
            server.close();
        }
    }
}
