package dev.chatstream.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatstream.codec.MessageCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes the JSON result files (ISO timestamps, snake_case fields). */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = MessageCodec.standard().mapper();

    private JsonFiles() {
    }

    public static void write(Path file, Object report) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
    }

    public static JsonNode read(Path file) throws IOException {
        return MAPPER.readTree(file.toFile());
    }
}
