package dev.chatstream.testkit;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.List;

/**
 * A server in a container whose port is bound to a fixed loopback host port, so that a killed and
 * restarted container comes back at the same address, like a restarted process.
 */
final class ContainerServer {
    private final GenericContainer<?> container;
    private final int hostPort;

    @SuppressWarnings("resource")
    ContainerServer(String image, int containerPort, List<String> command) {
        this.hostPort = FreePorts.next();
        this.container = new GenericContainer<>(DockerImageName.parse(image))
                .withCommand(command.toArray(String[]::new))
                .withExposedPorts(containerPort)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), ExposedPort.tcp(containerPort))))
                .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofSeconds(60)));
        container.start();
    }

    int hostPort() {
        return hostPort;
    }

    void kill() {
        DockerClientFactory.instance().client().killContainerCmd(container.getContainerId()).exec();
    }

    void stop() {
        DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
    }

    void restart() {
        DockerClientFactory.instance().client().startContainerCmd(container.getContainerId()).exec();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!FreePorts.isListening(hostPort) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    boolean isRunning() {
        Boolean running = DockerClientFactory.instance().client().inspectContainerCmd(container.getContainerId())
                .exec().getState().getRunning();
        return Boolean.TRUE.equals(running);
    }

    void close() {
        container.stop();
    }
}
