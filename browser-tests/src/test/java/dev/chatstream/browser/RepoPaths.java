package dev.chatstream.browser;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository, found from the module directory the tests run in. */
final class RepoPaths {
    private RepoPaths() {
    }

    /** The repository root: the nearest directory upwards that holds {@code deploy/nginx}. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy/nginx"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }
}
