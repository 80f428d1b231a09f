package dev.chatstream.config;

import io.nats.client.AuthHandler;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a service connects to NATS: servers, credentials, TLS. Read from {@code NATS_URL},
 * {@code NATS_USER}/{@code NATS_PASSWORD}, {@code NATS_TOKEN}, {@code NATS_CREDS}, and for TLS
 * {@code NATS_TLS_TRUSTSTORE} (+ {@code _PASSWORD}) and {@code NATS_TLS_KEYSTORE} (+ {@code _PASSWORD}),
 * PKCS12 or JKS files. The client reconnects forever with backoff.
 */
public record NatsSettings(
        List<URI> servers,
        Optional<String> user,
        Optional<String> password,
        Optional<String> token,
        Optional<Path> credsFile,
        Optional<Path> tlsTruststore,
        Optional<String> tlsTruststorePassword,
        Optional<Path> tlsKeystore,
        Optional<String> tlsKeystorePassword) {

    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
    private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss");

    public NatsSettings {
        servers = List.copyOf(servers);
    }

    /** Settings for one local server without credentials. */
    public static NatsSettings of(String url) {
        return fromEnv(new Env(java.util.Map.of("NATS_URL", url)));
    }

    public static NatsSettings fromEnv(Env env) {
        String raw = env.string("NATS_URL", DEFAULT_URL);
        List<URI> servers = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                throw new ConfigException("NATS_URL", "has an empty entry in '" + Env.printable(raw) + "'");
            }
            URI uri = Env.parseUri("NATS_URL", part.trim(), SCHEMES);
            if (uri.getPort() > 65535) {
                throw new ConfigException("NATS_URL", "port " + uri.getPort() + " is out of range");
            }
            servers.add(uri);
        }
        Optional<String> user = env.optional("NATS_USER");
        Optional<String> password = env.optional("NATS_PASSWORD");
        if (user.isPresent() != password.isPresent()) {
            throw new ConfigException(user.isPresent() ? "NATS_PASSWORD" : "NATS_USER",
                    "must be set together with " + (user.isPresent() ? "NATS_USER" : "NATS_PASSWORD"));
        }
        Optional<String> token = env.optional("NATS_TOKEN");
        Optional<Path> creds = env.readableFile("NATS_CREDS");
        int schemes = (user.isPresent() ? 1 : 0) + (token.isPresent() ? 1 : 0) + (creds.isPresent() ? 1 : 0);
        if (schemes > 1) {
            throw new ConfigException("NATS_TOKEN", "set only one of NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_CREDS");
        }
        Optional<Path> keystore = env.readableFile("NATS_TLS_KEYSTORE");
        Optional<String> keystorePassword = env.optional("NATS_TLS_KEYSTORE_PASSWORD");
        if (keystore.isPresent() && keystorePassword.isEmpty()) {
            throw new ConfigException("NATS_TLS_KEYSTORE_PASSWORD", "must be set when NATS_TLS_KEYSTORE is");
        }
        return new NatsSettings(servers, user, password, token, creds,
                env.readableFile("NATS_TLS_TRUSTSTORE"), env.optional("NATS_TLS_TRUSTSTORE_PASSWORD"),
                keystore, keystorePassword);
    }

    /**
     * jnats options for a long-lived service connection named {@code connectionName}: reconnect
     * forever with jittered backoff, a reconnect buffer so a short outage does not lose core publishes.
     */
    public Options.Builder options(String connectionName) {
        Options.Builder builder = new Options.Builder()
                .servers(servers.stream().map(URI::toString).toArray(String[]::new))
                .connectionName(connectionName)
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .reconnectJitter(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofSeconds(2))
                .pingInterval(Duration.ofSeconds(5))
                .maxPingsOut(2)
                .reportNoResponders();
        user.ifPresent(u -> builder.userInfo(u, password.orElseThrow()));
        token.ifPresent(t -> builder.token(t.toCharArray()));
        credsFile.ifPresent(path -> {
            AuthHandler handler = Nats.credentials(path.toString());
            builder.authHandler(handler);
        });
        if (tlsTruststore.isPresent() || tlsKeystore.isPresent()) {
            tlsTruststore.ifPresent(ts -> builder.truststorePath(ts.toString())
                    .truststorePassword(tlsTruststorePassword.orElse("").toCharArray()));
            tlsKeystore.ifPresent(ks -> builder.keystorePath(ks.toString())
                    .keystorePassword(tlsKeystorePassword.orElseThrow().toCharArray()));
        }
        return builder;
    }
}
