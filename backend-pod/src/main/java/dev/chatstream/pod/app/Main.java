package dev.chatstream.pod.app;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;
import dev.chatstream.pod.config.PodConfig;
import dev.chatstream.telemetry.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;

/**
 * {@code java -jar backend-pod.jar}: configured only by environment variables. A bad variable prints one
 * line naming it and exits with status 2; otherwise the pod starts, logs {@code backend-pod ready} and
 * shuts down gracefully on SIGTERM. Traces are exported when the standard {@code OTEL_*} variables ask
 * for them ({@link Telemetry}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Telemetry.install(System.getenv(), "backend-pod");
        int status = launch(Env.system(), System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Reads the configuration and starts the pod. Returns 0 when it runs (a shutdown hook stops it),
     * {@link ConfigException#EXIT_STATUS} on a bad variable, 1 when start-up fails.
     */
    static int launch(Env env, PrintStream err) {
        PodConfig config;
        try {
            config = PodConfig.fromEnv(env);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ConfigException.EXIT_STATUS;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        try {
            PodApp app = PodApp.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(app::shutdown, "backend-pod-shutdown"));
            log.atInfo().addKeyValue("pod_id", config.podId()).addKeyValue("http_port", app.port())
                    .addKeyValue("management_port", app.managementPort())
                    .addKeyValue("nats", config.nats().connection().servers().toString())
                    .addKeyValue("redis", config.registry().enabled() ? config.registry().redisUrl().getHost() : "disabled")
                    .log("backend-pod ready pod_id=" + config.podId() + " http_port=" + app.port());
            return 0;
        } catch (ConfigException e) {
            // A key that is set but unusable (AUTH_JWT_PUBLIC_KEY) is found when the pod builds its verifier.
            err.println(e.getMessage());
            return ConfigException.EXIT_STATUS;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            log.atError().setCause(e).log("backend-pod failed to start");
            return 1;
        }
    }
}
