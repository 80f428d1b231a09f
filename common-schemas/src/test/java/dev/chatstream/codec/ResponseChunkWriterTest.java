package dev.chatstream.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ChunkMetadata;
import dev.chatstream.schemas.ChunkType;
import dev.chatstream.schemas.FinishReason;
import dev.chatstream.schemas.ResponseChunk;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The hand-written {@link ResponseChunk} encoder against the reference it replaces: Jackson, through
 * the same mapper {@link MessageCodec} uses for every other message. Same bytes, same record back.
 */
class ResponseChunkWriterTest {
    private static final int GENERATED = 20_000;
    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123456Z");
    private final MessageCodec codec = MessageCodec.standard();

    @Test
    @DisplayName("writes exactly the bytes Jackson writes for 20 000 generated chunks")
    void byteIdenticalToJackson() {
        RandomChunks chunks = new RandomChunks(20261126L, false);
        for (int i = 0; i < GENERATED; i++) {
            assertSameAsJackson(chunks.next(), "generated chunk #" + i);
        }
    }

    @Test
    @DisplayName("decodes each of 20 000 generated chunks back to an equal record")
    void decodesToEqualRecord() {
        RandomChunks chunks = new RandomChunks(7L, false);
        for (int i = 0; i < GENERATED; i++) {
            ResponseChunk chunk = chunks.next();
            assertThat(codec.decode(codec.encode(chunk), ResponseChunk.class)).as("generated chunk #%d", i).isEqualTo(chunk);
        }
    }

    @Test
    @DisplayName("writes generated chunks that response-chunk.schema.json accepts when their year is one it allows")
    void validAgainstSchema() {
        Validator validator = responseChunkSchema();
        RandomChunks chunks = new RandomChunks(11L, true);
        for (int i = 0; i < 2_000; i++) {
            ResponseChunk chunk = chunks.next();
            OutputUnit result = validator.validate(new JsonObject(new String(codec.encode(chunk), StandardCharsets.UTF_8)));
            assertThat(result.getValid()).as("generated chunk #%d: %s", i, result.getErrors()).isTrue();
        }
    }

    @Test
    @DisplayName("writes each of the 65 536 UTF-16 code units, alone in a text, as Jackson does and reads it back")
    void everyCodeUnit() {
        for (int c = 0; c <= 0xFFFF; c++) {
            String text = "<" + (char) c + ">";
            ResponseChunk chunk = ResponseChunk.content("s", "m", 0, text, null, NOW);
            assertSameAsJackson(chunk, "U+%04X".formatted(c));
            assertThat(codec.decode(codec.encode(chunk), ResponseChunk.class).chunk()).isEqualTo(text);
        }
    }

    @Test
    @DisplayName("writes every code point outside the BMP as its 4 UTF-8 bytes, as Jackson does")
    void everySupplementaryCodePoint() {
        for (int start = 0x10000; start <= Character.MAX_CODE_POINT; start += 4096) {
            StringBuilder text = new StringBuilder();
            for (int codePoint = start; codePoint < start + 4096; codePoint++) {
                text.appendCodePoint(codePoint);
            }
            ResponseChunk chunk = ResponseChunk.content("s", "m", 0, text.toString(), null, NOW);
            assertSameAsJackson(chunk, "code points from U+%X".formatted(start));
            byte[] expected = text.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(indexOf(codec.encode(chunk), expected)).as("raw UTF-8 from U+%X", start).isPositive();
        }
    }

    @Test
    @DisplayName("writes a lone surrogate as a \\uXXXX escape so the text reads back as the same Java string")
    void loneSurrogates() {
        List<String> texts = List.of("\uD800", "\uDFFF", "a\uD83Db", "a\uDE00b", "end\uD83D", "\uDE00\uD83D",
                "\uD83D\uD83D\uDE00", "\uD83D\uDE00\uDE00");
        List<String> escaped = List.of("\\uD800", "\\uDFFF", "a\\uD83Db", "a\\uDE00b", "end\\uD83D", "\\uDE00\\uD83D",
                "\\uD83D\uD83D\uDE00", "\uD83D\uDE00\\uDE00");
        for (int i = 0; i < texts.size(); i++) {
            ResponseChunk chunk = ResponseChunk.content("s", "m", 0, texts.get(i), null, NOW);
            assertSameAsJackson(chunk, "text #" + i);
            assertThat(json(codec.encode(chunk))).contains("\"chunk\":\"" + escaped.get(i) + "\"");
            assertThat(codec.decode(codec.encode(chunk), ResponseChunk.class).chunk()).isEqualTo(texts.get(i));
        }
    }

    @Test
    @DisplayName("escapes quotes, backslashes and control characters with the short forms where JSON has one")
    void escapesControlCharacters() {
        ResponseChunk chunk = ResponseChunk.content("s", "m", 0, "q\" b\\ s/ \b\f\n\r\t \u0000\u001f\u007f", null, NOW);
        assertSameAsJackson(chunk, "escapes");
        assertThat(json(codec.encode(chunk))).contains("\"chunk\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0000\\u001F\u007f\"");
    }

    @Test
    @DisplayName("writes 0, 3, 6 or 9 fraction digits, the fewest that hold the nanoseconds")
    void fractionDigits() {
        List<String> timestamps = List.of("2026-11-25T10:00:00Z", "2026-11-25T10:00:00.100Z", "2026-11-25T10:00:00.001Z",
                "2026-11-25T10:00:00.123400Z", "2026-11-25T10:00:00.000001Z", "2026-11-25T10:00:00.100000001Z",
                "2026-11-25T10:00:00.999999999Z", "2026-11-25T10:00:00.000000001Z");
        for (String timestamp : timestamps) {
            ResponseChunk chunk = ResponseChunk.content("s", "m", 0, "", null, Instant.parse(timestamp));
            assertSameAsJackson(chunk, timestamp);
            assertThat(json(codec.encode(chunk))).contains("\"timestamp\":\"" + timestamp + "\"");
        }
    }

    @Test
    @DisplayName("writes the edges of years 0000 to 9999, month ends and leap days as Jackson does")
    void calendarEdges() {
        List<Instant> instants = new ArrayList<>();
        for (int year : new int[] {0, 1, 4, 99, 100, 399, 400, 1582, 1899, 1900, 1969, 1970, 1999, 2000, 2024, 2026, 2100, 9999}) {
            for (String date : new String[] {"-01-01T00:00:00Z", "-02-28T23:59:59Z", "-03-01T00:00:00Z", "-12-31T23:59:59.999999999Z"}) {
                instants.add(Instant.parse("%04d%s".formatted(year, date)));
            }
            if (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) {
                instants.add(Instant.parse("%04d-02-29T12:34:56.5Z".formatted(year)));
            }
        }
        instants.add(Instant.EPOCH.minusNanos(1));
        for (Instant instant : instants) {
            assertSameAsJackson(ResponseChunk.content("s", "m", 0, "", null, instant), instant.toString());
        }
        // And every day (at a varying time of day) from 0000-01-01 to 9999-12-31, against the JDK's formatter.
        byte[] buffer = new byte[40];
        for (long second = RandomChunks.FIRST_SCHEMA_SECOND; second <= RandomChunks.LAST_SCHEMA_SECOND; second += 86_400 + 3_607) {
            Instant instant = Instant.ofEpochSecond(second);
            int length = Timestamps.write(instant, buffer, 0);
            if (!instant.toString().equals(new String(buffer, 0, length, StandardCharsets.US_ASCII))) {
                fail("%s written as %s".formatted(instant, new String(buffer, 0, length, StandardCharsets.US_ASCII)));
            }
            assertThat(Timestamps.length(instant)).isEqualTo(length);
        }
        assertThat(timestampOf(ResponseChunk.content("s", "m", 0, "", null, Instant.parse("2000-02-29T00:00:00Z"))))
                .isEqualTo("2000-02-29T00:00:00Z");
    }

    @Test
    @DisplayName("writes the right second when chunks alternate between seconds, on several threads at once")
    @Timeout(60)
    void secondsOnSeveralThreads() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long base = 1_764_000_000L + t * 1_000_003L;
                results.add(pool.submit(() -> {
                    byte[] buffer = new byte[40];
                    for (int i = 0; i < 50_000; i++) {
                        Instant instant = Instant.ofEpochSecond(base + i % 3 * 86_401, i % 2 == 0 ? 0 : 5_000_000);
                        String written = new String(buffer, 0, Timestamps.write(instant, buffer, 0), StandardCharsets.US_ASCII);
                        if (!written.equals(instant.toString())) {
                            return instant + " written as " + written;
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("writes years the schema does not allow (signed, five digits or more) as Jackson does")
    void yearsOutsideTheSchema() {
        for (Instant instant : List.of(Instant.MIN, Instant.MAX, Instant.parse("-0001-12-31T23:59:59.5Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("0000-01-01T00:00:00Z").minusNanos(1),
                Instant.parse("9999-12-31T23:59:59.999999999Z").plusNanos(1))) {
            ResponseChunk chunk = ResponseChunk.content("s", "m", 0, "", null, instant);
            assertSameAsJackson(chunk, instant.toString());
            assertThat(codec.decode(codec.encode(chunk), ResponseChunk.class)).isEqualTo(chunk);
        }
    }

    @Test
    @DisplayName("writes every chunk type, final or not, with each combination of optional fields as Jackson does")
    void everyShape() {
        List<ChunkMetadata> metadatas = new ArrayList<>(Arrays.asList(null, new ChunkMetadata(null, null, null)));
        for (int mask = 1; mask < 8; mask++) {
            for (FinishReason reason : FinishReason.values()) {
                metadatas.add(new ChunkMetadata((mask & 1) != 0 ? "gpt-\"4\"" : null, (mask & 2) != 0 ? 64 : null,
                        (mask & 4) != 0 ? reason : null));
            }
        }
        int shapes = 0;
        for (ChunkType type : ChunkType.values()) {
            for (boolean isFinal : new boolean[] {false, true}) {
                for (ChunkMetadata metadata : metadatas) {
                    for (ChunkError error : Arrays.asList(null, new ChunkError("provider_timeout", ""))) {
                        for (String correlationId : Arrays.asList(null, "", "c-1")) {
                            if (type == ChunkType.ERROR && error == null) {
                                continue;
                            }
                            ResponseChunk chunk = new ResponseChunk("s", "m", 3, "x", type, isFinal, metadata, error,
                                    NOW, correlationId);
                            assertSameAsJackson(chunk, chunk.toString());
                            assertThat(codec.decode(codec.encode(chunk), ResponseChunk.class)).isEqualTo(chunk);
                            shapes++;
                        }
                    }
                }
            }
        }
        assertThat(shapes).isGreaterThan(1000);
    }

    @Test
    @DisplayName("writes chunk ids and token counts at every digit count up to their maximum")
    void numbers() {
        for (long id = 1; id > 0 && id <= Long.MAX_VALUE / 10 * 10; id *= 10) {
            for (long chunkId : new long[] {id - 1, id, id + 1}) {
                ResponseChunk chunk = ResponseChunk.content("s", "m", chunkId, "", null, NOW);
                assertSameAsJackson(chunk, "chunk id " + chunkId);
            }
        }
        assertSameAsJackson(ResponseChunk.content("s", "m", Long.MAX_VALUE, "", null, NOW), "chunk id max");
        for (int tokens : new int[] {0, 9, 10, 99, 12345, 999_999_999, 1_000_000_000, Integer.MAX_VALUE}) {
            assertSameAsJackson(ResponseChunk.finalChunk("s", "m", 1, new ChunkMetadata("demo", tokens, FinishReason.STOP),
                    "c", NOW), "tokens " + tokens);
        }
    }

    @Test
    @DisplayName("takes the fast path for a chunk passed as an Object too")
    void chunkAsObject() {
        ResponseChunk chunk = ResponseChunk.content("s", "m", 1, "hi \uD83D\uDE00", "c", NOW);
        Object message = chunk;
        assertThat(codec.encode(message)).isEqualTo(codec.encode(chunk));
    }

    @Test
    @DisplayName("refuses a chunk over maxBytes with the same error as any other message")
    void refusesOversizeChunk() {
        MessageCodec small = new MessageCodec(200);
        ResponseChunk chunk = ResponseChunk.content("s", "m", 1, "\u20ac".repeat(50), "c", NOW);
        int size = codec.encode(chunk).length;
        assertThatThrownBy(() -> small.encode(chunk))
                .isInstanceOf(MessageCodecException.class)
                .hasMessage("message is " + size + " bytes, over the limit of 200");
        assertThat(small.encode(ResponseChunk.content("s", "m", 1, "\u20ac".repeat(10), "c", NOW))).hasSizeLessThan(200);
    }

    private void assertSameAsJackson(ResponseChunk chunk, String what) {
        byte[] expected = jackson(chunk);
        byte[] actual = codec.encode(chunk);
        if (!Arrays.equals(expected, actual)) {
            int at = Arrays.mismatch(expected, actual);
            fail("%s: bytes differ from Jackson's at offset %d%n jackson: %s%n ours:    %s".formatted(what, at,
                    around(expected, at), around(actual, at)));
        }
    }

    private byte[] jackson(ResponseChunk chunk) {
        try {
            return codec.mapper().writeValueAsBytes(chunk);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String timestampOf(ResponseChunk chunk) {
        String json = json(codec.encode(chunk));
        int start = json.indexOf("\"timestamp\":\"") + "\"timestamp\":\"".length();
        return json.substring(start, json.indexOf('"', start));
    }

    private static String around(byte[] bytes, int at) {
        int from = Math.max(0, at - 40);
        int to = Math.min(bytes.length, at + 40);
        return new String(bytes, from, to - from, StandardCharsets.UTF_8).replace("\n", "\\n")
                + " (" + bytes.length + " bytes)";
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String json(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Validator responseChunkSchema() {
        try (InputStream in = ResponseChunkWriterTest.class.getResourceAsStream("/schemas/response-chunk.schema.json")) {
            JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return Validator.create(JsonSchema.of(schema), new JsonSchemaOptions()
                    .setDraft(Draft.DRAFT202012)
                    .setBaseUri("https://chatstream.dev/")
                    .setOutputFormat(OutputFormat.Basic));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
