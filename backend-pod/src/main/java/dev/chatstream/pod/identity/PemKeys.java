package dev.chatstream.pod.identity;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.jwk.Curve;
import dev.chatstream.config.ConfigException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads {@code AUTH_JWT_PUBLIC_KEY}: a PEM {@code PUBLIC KEY} (SPKI) or {@code CERTIFICATE}, RSA or EC, with the JDK. */
final class PemKeys {
    private static final String VARIABLE = "AUTH_JWT_PUBLIC_KEY";

    private PemKeys() {
    }

    static PublicKey read(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(VARIABLE, "cannot be read: " + e.getMessage());
        }
        try {
            if (pem.contains("-----BEGIN CERTIFICATE-----")) {
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                        .getPublicKey();
            }
            if (!pem.contains("-----BEGIN PUBLIC KEY-----")) {
                throw new ConfigException(VARIABLE, "is not a PEM PUBLIC KEY or CERTIFICATE");
            }
            String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
            for (String algorithm : new String[]{"RSA", "EC"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(spec);
                } catch (GeneralSecurityException wrongType) {
                    // try the next key type
                }
            }
            throw new ConfigException(VARIABLE, "is neither an RSA nor an EC public key");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException(VARIABLE, "is not a readable key: " + e.getMessage());
        }
    }

    /** A one-key source for the key selector. */
    static JWKSource<SecurityContext> source(PublicKey key) {
        JWK jwk = key instanceof RSAPublicKey rsa ? new RSAKey.Builder(rsa).build()
                : new ECKey.Builder(Curve.P_256, (ECPublicKey) key).build();
        return new ImmutableJWKSet<>(new JWKSet(jwk));
    }
}
