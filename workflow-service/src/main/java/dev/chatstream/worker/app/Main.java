package dev.chatstream.worker.app;

import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;
import dev.chatstream.telemetry.Telemetry;
import dev.chatstream.worker.config.WorkerConfig;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;

/**
 * {@code java -jar workflow-service.jar}: configured only by environment variables; traces are exported
 * when the standard {@code OTEL_*} variables ask for them ({@link Telemetry}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int status = configure(Env.system(), System.err);
        if (status != 0) {
            System.exit(status);
        }
        Telemetry.install(System.getenv(), "workflow-service");
        WorkerConfig config = WorkerConfig.fromEnv(Env.system());
        WorkflowApp app;
        try {
            app = WorkflowApp.start(config);
        } catch (Exception e) {
            LoggerFactory.getLogger(Main.class).error("workflow-service failed to start", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "workflow-service-shutdown"));
    }

    /**
     * Validates the configuration: 0 when it is good; else prints one line naming the variable to
     * {@code err} and returns {@link ConfigException#EXIT_STATUS}, without a stack trace.
     */
    public static int configure(Env env, PrintStream err) {
        try {
            WorkerConfig.fromEnv(env);
            return 0;
        } catch (ConfigException e) {
            err.println("workflow-service: configuration error: " + e.getMessage());
            return ConfigException.EXIT_STATUS;
        }
    }
}
