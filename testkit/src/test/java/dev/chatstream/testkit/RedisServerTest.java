package dev.chatstream.testkit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class RedisServerTest {
    private static RedisServer redis;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        redis.close();
    }

    @Test
    @DisplayName("stores and reads back a value, and comes back empty on the same port after a kill")
    void roundTripAndRestart() throws Exception {
        RedisAPI api = RedisAPI.api(Redis.createClient(vertx, redis.url()));
        api.set(List.of("greeting", "hello")).await(5, TimeUnit.SECONDS);
        assertThat(api.get("greeting").await(5, TimeUnit.SECONDS).toString()).isEqualTo("hello");
        api.close();

        redis.kill();
        assertThat(redis.isRunning()).isFalse();
        redis.restart();

        RedisAPI again = RedisAPI.api(Redis.createClient(vertx, redis.url()));
        assertThat(again.get("greeting").await(5, TimeUnit.SECONDS)).isNull();
        again.close();
    }
}
