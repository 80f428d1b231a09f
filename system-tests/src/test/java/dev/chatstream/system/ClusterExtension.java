package dev.chatstream.system;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One {@link LocalCluster} (and a Vert.x instance for the test clients) per test class: started
 * before the first test, stopped after the last. Register it as a static field:
 * {@code @RegisterExtension static final ClusterExtension env = ClusterExtension.of(() -> LocalCluster.start(...));}
 */
final class ClusterExtension implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<LocalCluster> starter;
    private LocalCluster cluster;
    private Vertx vertx;

    private ClusterExtension(Supplier<LocalCluster> starter) {
        this.starter = starter;
    }

    static ClusterExtension of(Supplier<LocalCluster> starter) {
        return new ClusterExtension(starter);
    }

    LocalCluster cluster() {
        return cluster;
    }

    Vertx vertx() {
        return vertx;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = starter.get();
        vertx = Vertx.vertx();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
