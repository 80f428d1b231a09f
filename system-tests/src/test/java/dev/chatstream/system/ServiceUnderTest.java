package dev.chatstream.system;

import dev.chatstream.testkit.FreePorts;
import dev.chatstream.testkit.ServiceProcess;

import java.util.HashMap;
import java.util.Map;

/**
 * One of our services running from its jar in its own JVM on a free HTTP port: a pod or a worker.
 * {@link #start()} can be called again after {@link #kill()} (same id, port and environment).
 */
abstract class ServiceUnderTest implements AutoCloseable {
    private final String id;
    private final String module;
    private final int port;
    private final Map<String, String> env;
    private ServiceProcess process;

    ServiceUnderTest(String id, String module, String idVariable, Map<String, String> baseEnv) {
        this.id = id;
        this.module = module;
        this.port = FreePorts.next();
        Map<String, String> env = new HashMap<>(baseEnv);
        env.put(idVariable, id);
        env.put("HTTP_PORT", Integer.toString(port));
        this.env = Map.copyOf(env);
    }

    /** Starts (again) and waits until the service is ready. */
    final void start() {
        process = ServiceProcess.start(id, ServiceProcess.jar(module), env);
        awaitReady();
    }

    abstract void awaitReady();

    final String id() {
        return id;
    }

    /** The service's HTTP port (pod: the API; worker: probes and metrics). */
    final int port() {
        return port;
    }

    final ServiceProcess process() {
        return process;
    }

    final void kill() {
        process.kill();
    }

    @Override
    public final void close() {
        if (process != null) {
            process.close();
        }
    }
}
