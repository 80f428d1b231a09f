package dev.chatstream.pod.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code chat_guest} cookie value: a compact HS256 JWS whose {@code sub} is a random user id
 * ({@code g-} + 128 random bits, base64url). Signed and verified by Nimbus with {@code AUTH_GUEST_SECRET}, so
 * every pod sharing the secret accepts every pod's guests, and nobody can pick another guest's id.
 */
public final class GuestTokens {
    /** Guest ids look like this, so they can never collide with an issuer's {@code sub} by accident. */
    static final Pattern GUEST_ID = Pattern.compile("g-[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MACSigner signer;
    private final MACVerifier verifier;

    public GuestTokens(byte[] secret) {
        try {
            this.signer = new MACSigner(secret);
            this.verifier = new MACVerifier(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("guest secret rejected: " + e.getMessage(), e);
        }
    }

    /** A fresh random user id. */
    public static String newUserId() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return "g-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** The signed cookie value for {@code userId}. */
    public String issue(String userId) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().subject(userId).issueTime(new Date()).build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a guest token", e);
        }
        return jwt.serialize();
    }

    /** The user id of a cookie value signed with our secret, or empty for anything else. */
    public Optional<String> verify(String value) {
        try {
            SignedJWT jwt = SignedJWT.parse(value);
            // Pinned to HS256: a token naming any other algorithm is not ours.
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            String sub = jwt.getJWTClaimsSet().getSubject();
            return sub != null && GUEST_ID.matcher(sub).matches() ? Optional.of(sub) : Optional.empty();
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }
}
