package dev.chatstream.testkit;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real nats-server and one client connection to it, with its JetStream and management contexts, for one
 * test class. Register it on a static field; it starts before the class's first test, runs {@link Setup}
 * (e.g. provisioning the streams, which testkit cannot name) and closes after its last:
 * <pre>{@code
 * @RegisterExtension
 * static final JetStreamFixture nats = new JetStreamFixture(m -> new JetStreamProvisioner(m).apply(...));
 * }</pre>
 */
public final class JetStreamFixture implements BeforeAllCallback, AfterAllCallback {

    /** What to create on the fresh server before the tests run. */
    @FunctionalInterface
    public interface Setup {
        void apply(JetStreamManagement management) throws Exception;
    }

    private final Setup setup;
    private NatsServer server;
    private Connection connection;
    private JetStream jetStream;
    private JetStreamManagement management;

    public JetStreamFixture(Setup setup) {
        this.setup = setup;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = NatsServer.start();
        connection = Nats.connect(server.url());
        jetStream = connection.jetStream();
        management = connection.jetStreamManagement();
        setup.apply(management);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    public NatsServer server() {
        return server;
    }

    public Connection connection() {
        return connection;
    }

    public JetStream jetStream() {
        return jetStream;
    }

    public JetStreamManagement management() {
        return management;
    }
}
