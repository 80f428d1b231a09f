package dev.chatstream.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds server binaries on PATH (and in sbin directories, where Debian puts nats-server). */
public final class Binaries {
    private Binaries() {
    }

    public static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/local/sbin:/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Path require(String name, String debianPackage, String brewPackage) {
        return find(name).orElseThrow(() -> new MissingBinaryException(name, debianPackage, brewPackage));
    }

    /** The java launcher of the running JVM, for starting service jars with the same runtime. */
    public static Path currentJava() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
}
