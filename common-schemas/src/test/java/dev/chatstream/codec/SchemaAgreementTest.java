package dev.chatstream.codec;

import dev.chatstream.schemas.HealthResponse;
import dev.chatstream.schemas.HeartbeatMessage;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.schemas.WorkflowRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON Schema files other languages use and the Java codec must agree: every sample under
 * {@code samples/<message>/} named {@code valid-*} is accepted by both, {@code invalid-*} refused by both.
 */
class SchemaAgreementTest {
    private static final Map<String, Class<?>> MESSAGES = Map.of(
            "workflow-request", WorkflowRequest.class,
            "response-chunk", ResponseChunk.class,
            "heartbeat-message", HeartbeatMessage.class,
            "health-response", HealthResponse.class);

    @TestFactory
    Stream<DynamicTest> codecAndSchemaAgreeOnEverySample() throws IOException, URISyntaxException {
        Path samples = Path.of(getClass().getResource("/samples").toURI());
        return MESSAGES.entrySet().stream().flatMap(entry -> {
            Validator validator = validator(entry.getKey());
            List<Path> files = list(samples.resolve(entry.getKey()));
            assertThat(files).as("samples for " + entry.getKey()).isNotEmpty();
            return files.stream().map(file -> DynamicTest.dynamicTest(entry.getKey() + "/" + file.getFileName(), () -> {
                byte[] bytes = Files.readAllBytes(file);
                boolean expectValid = file.getFileName().toString().startsWith("valid");
                boolean schemaValid = validator.validate(new JsonObject(new String(bytes, StandardCharsets.UTF_8))).getValid();
                boolean codecValid;
                try {
                    MessageCodec.standard().decode(bytes, entry.getValue());
                    codecValid = true;
                } catch (MessageCodecException e) {
                    codecValid = false;
                }
                assertThat(schemaValid).as("schema accepts " + file.getFileName()).isEqualTo(expectValid);
                assertThat(codecValid).as("codec accepts " + file.getFileName()).isEqualTo(expectValid);
            }));
        });
    }

    private static Validator validator(String name) {
        try (InputStream in = SchemaAgreementTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
            JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Validator.create(JsonSchema.of(schema), new JsonSchemaOptions()
                    .setDraft(Draft.DRAFT202012)
                    .setBaseUri("https://chatstream.dev/")
                    .setOutputFormat(OutputFormat.Basic));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
