package dev.chatstream.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the deploy module's files are, whether tests run from the module or from the repository root. */
final class DeployFiles {
    private DeployFiles() {
    }

    /** The {@code deploy/} directory. */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate : new Path[] {here, here.resolve("deploy")}) {
            if (Files.isDirectory(candidate.resolve("k8s")) && Files.isDirectory(candidate.resolve("nats"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find the deploy module's k8s/ and nats/ from " + here);
    }

    static Path resolve(String relative) {
        return root().resolve(relative);
    }

    static Path natsConf() {
        return resolve("nats/nats.conf");
    }

    static Path accountsConf() {
        return resolve("nats/accounts.conf");
    }

    static Path overlay(String name) {
        return resolve("k8s/overlays/" + name);
    }
}
