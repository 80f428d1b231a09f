package dev.chatstream.pod.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.chatstream.config.ConfigException;
import dev.chatstream.pod.config.AuthSettings;

import java.net.MalformedURLException;
import java.net.URI;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifies a JWT with Nimbus JOSE+JWT against the one configured key: an HS256 secret, a PEM public key
 * (RS256 or ES256 by its type) or a JWKS URL (RS256/ES256, cached, re-fetched on an unknown {@code kid}).
 * The accepted algorithms follow the key type, so {@code none} and HS/RS confusion are refused by
 * construction. {@code exp} and {@code sub} are required, {@code nbf} is honoured, with
 * {@link #CLOCK_SKEW_SECONDS} of leeway; {@code iss}/{@code aud} are checked when configured.
 */
public final class JwtVerifier {
    /** Leeway for clocks that disagree a little between the issuer and the pods. */
    public static final int CLOCK_SKEW_SECONDS = 30;
    /** How long fetched JWKS keys are used before a refresh, and the least time between two fetches. */
    static final long JWKS_CACHE_TTL_MS = 5 * 60_000;
    static final long JWKS_MIN_REFETCH_MS = 1_000;
    private static final int JWKS_TIMEOUT_MS = 2_000;
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final boolean mayBlock;

    private JwtVerifier(JWKSource<SecurityContext> keys, Set<JWSAlgorithm> algorithms, AuthSettings settings,
                        boolean mayBlock) {
        this.mayBlock = mayBlock;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        settings.issuer().ifPresent(exact::issuer);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience().map(Set::of).orElse(null), exact.build(), Set.of("exp", "sub"), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** The verifier for the key in {@code settings} (which must be in {@code jwt} mode with one key). */
    public static JwtVerifier create(AuthSettings settings) {
        if (settings.jwtSecret().isPresent()) {
            return new JwtVerifier(new ImmutableSecret<>(settings.jwtSecret().get()), Set.of(JWSAlgorithm.HS256),
                    settings, false);
        }
        if (settings.jwtPublicKey().isPresent()) {
            PublicKey key = PemKeys.read(settings.jwtPublicKey().get());
            return new JwtVerifier(PemKeys.source(key), Set.of(algorithmOf(key)), settings, false);
        }
        URI url = settings.jwksUrl().orElseThrow(() -> new IllegalArgumentException("no JWT key configured"));
        JWKSource<SecurityContext> jwks;
        try {
            jwks = JWKSourceBuilder.<SecurityContext>create(url.toURL(),
                            new DefaultResourceRetriever(JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_SIZE_LIMIT))
                    .cache(JWKS_CACHE_TTL_MS, JWKS_TIMEOUT_MS)
                    .rateLimited(JWKS_MIN_REFETCH_MS)
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("AUTH_JWKS_URL is not a URL", e);
        }
        // A JWKS holds asymmetric keys only; HS algorithms are never accepted from it.
        Set<JWSAlgorithm> algorithms = new HashSet<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));
        return new JwtVerifier(jwks, algorithms, settings, true);
    }

    private static JWSAlgorithm algorithmOf(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECPublicKey) {
            return JWSAlgorithm.ES256;
        }
        throw new ConfigException("AUTH_JWT_PUBLIC_KEY", "holds a " + key.getAlgorithm() + " key; use RSA or EC P-256");
    }

    /** True when {@link #verify} may fetch keys over the network: then call it off the event loop. */
    public boolean mayBlock() {
        return mayBlock;
    }

    /** The {@code sub} of a valid token; an {@link AuthFailure} otherwise. */
    public String verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return claims.getSubject();
        } catch (ParseException e) {
            throw AuthFailure.invalid("malformed");
        } catch (BadJWTException e) {
            throw AuthFailure.invalid(e.getMessage());
        } catch (BadJOSEException e) {
            throw AuthFailure.invalid("signature or algorithm not accepted");
        } catch (JOSEException e) {
            throw AuthFailure.invalid("cannot be verified now");
        }
    }
}
