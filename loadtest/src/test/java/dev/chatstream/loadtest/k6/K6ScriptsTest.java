package dev.chatstream.loadtest.k6;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * k6 cannot be installed here, so the scripts are held to two things: Node parses them as ES
 * modules ({@code node --check}), and they use the HTTP contract's routes, headers, event name
 * and chunk fields.
 */
@Timeout(60)
class K6ScriptsTest {
    private static final Path K6 = Path.of("k6");
    private static final Path NODE = Path.of("/usr/bin/node");

    @TempDir
    Path tmp;

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.walk(K6)) {
            return files.filter(p -> p.toString().endsWith(".js")).sorted().toList();
        }
    }

    private int nodeCheck(Path script) throws Exception {
        // Copied as .mjs so Node parses import/export whatever its module detection does.
        Path copy = tmp.resolve(script.getFileName().toString().replace(".js", ".mjs"));
        Files.copy(script, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process node = new ProcessBuilder(nodeBinary(), "--check", copy.toString()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(20, TimeUnit.SECONDS)).isTrue();
        if (node.exitValue() != 0) {
            System.out.println(script + ": " + output);
        }
        return node.exitValue();
    }

    private static String nodeBinary() {
        if (Files.isExecutable(NODE)) {
            return NODE.toString();
        }
        return "node";
    }

    private static boolean nodeAvailable() {
        try {
            return new ProcessBuilder(nodeBinary(), "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    @DisplayName("every k6 script parses as an ES module")
    void everyScriptParses() throws Exception {
        assumeTrue(nodeAvailable(), "node is not installed");
        List<Path> scripts = scripts();
        assertThat(scripts).extracting(p -> K6.relativize(p).toString())
                .contains("sse-stream.js", "send-messages.js", "resume.js", "lib/chat.js");
        for (Path script : scripts) {
            assertThat(nodeCheck(script)).as("node --check " + script).isZero();
        }
    }

    @Test
    @DisplayName("the syntax check rejects a broken script, so a pass means something")
    void syntaxCheckRejectsBrokenScripts() throws Exception {
        assumeTrue(nodeAvailable(), "node is not installed");
        Path broken = tmp.resolve("broken.js");
        Files.writeString(broken, "import sse from 'k6/x/sse';\nexport default function ( {\n");
        assertThat(nodeCheck(broken)).isNotZero();
    }

    @Test
    @DisplayName("the scripts use the contract's routes, headers, SSE event name and chunk fields")
    void scriptsFollowTheContract() throws Exception {
        String lib = Files.readString(K6.resolve("lib/chat.js"));
        assertThat(lib).contains("/api/sessions/${sid}/stream", "/api/sessions/${sid}/messages",
                "'Idempotency-Key'", "CHUNK_EVENT = 'chunk'", "chunk.message_id", "chunk.chunk_id",
                "chunk.is_final", "chunk.timestamp", "ai_provider: 'demo'", "max_tokens");
        assertThat(Files.readString(K6.resolve("sse-stream.js"))).contains("from 'k6/x/sse'", "sse.open(");
        assertThat(Files.readString(K6.resolve("resume.js"))).contains("from 'k6/x/sse'", "'Last-Event-ID': cursor");
        assertThat(Files.readString(K6.resolve("send-messages.js")))
                .contains("constant-arrival-rate", "r.status === 202", "r.json('message_id')", "r.json('correlation_id')");
        for (String threshold : List.of("chunks_lost: ['count==0']", "chunks_duplicated: ['count==0']",
                "chunks_out_of_order: ['count==0']")) {
            assertThat(lib).contains(threshold);
        }
    }
}
