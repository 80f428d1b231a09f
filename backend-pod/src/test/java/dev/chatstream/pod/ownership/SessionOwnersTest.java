package dev.chatstream.pod.ownership;

import dev.chatstream.streams.JetStreamProvisioner;
import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.streams.StreamSettings;
import dev.chatstream.testkit.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The owner store on the nats-server we run (2.9.10 here): KV create is create-if-absent, one winner. */
@Timeout(60)
class SessionOwnersTest {
    private static NatsServer nats;
    private static Connection connection;
    private static KeyValue bucket;
    private static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServer.start();
        connection = Nats.connect(nats.url());
        JetStreamProvisioner.applyBuckets(connection.keyValueManagement(), StreamSettings.defaults());
        bucket = connection.keyValue(StreamDefinitions.SESSION_OWNERS);
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close();
        connection.close();
        nats.close();
    }

    @Test
    @DisplayName("KV create refuses a key that exists (create-if-absent holds on this server)")
    void createIsCreateIfAbsent() throws Exception {
        String key = "s-" + UUID.randomUUID();
        bucket.create(key, "alice".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> bucket.create(key, "bob".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(JetStreamApiException.class, e -> assertThat(e.getApiErrorCode()).isEqualTo(10071));
        assertThat(new String(bucket.get(key).getValue(), StandardCharsets.UTF_8)).isEqualTo("alice");
    }

    @Test
    @DisplayName("of many users claiming one new session at once, exactly one owns it and all see that owner")
    void oneClaimWins() throws Exception {
        String session = "s-" + UUID.randomUUID();
        List<Future<String>> claims = new ArrayList<>();
        // A fresh store per claimant: no shared cache, as on different pods.
        for (int i = 0; i < 12; i++) {
            claims.add(new SessionOwners(bucket, vertx, () -> true).claim(session, "user-" + i));
        }
        Future.all(claims).await(20, TimeUnit.SECONDS);
        assertThat(new HashSet<>(claims.stream().map(Future::result).toList())).hasSize(1);
    }

    @Test
    @DisplayName("the bucket is provisioned idempotently")
    void provisioningIsIdempotent() throws Exception {
        assertThat(JetStreamProvisioner.applyBuckets(connection.keyValueManagement(), StreamSettings.defaults()))
                .allSatisfy(change -> assertThat(change.outcome()).isEqualTo(JetStreamProvisioner.Outcome.UNCHANGED));
    }
}
