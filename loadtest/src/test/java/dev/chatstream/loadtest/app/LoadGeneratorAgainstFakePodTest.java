package dev.chatstream.loadtest.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatstream.loadtest.fake.FakePod;
import dev.chatstream.loadtest.report.JsonFiles;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator end to end against a pod stand-in that can corrupt its streams on purpose. */
@Timeout(60)
class LoadGeneratorAgainstFakePodTest {

    @TempDir
    Path dir;

    /**
     * The grace period only bounds the wait for the last answers (the run stops waiting as soon as every message
     * finished): long enough that a loaded machine's stall is not counted as a lost chunk.
     */
    private JsonNode run(FakePod.Fault fault, int expectedStatus) throws Exception {
        Path report = dir.resolve("report-" + fault + ".json");
        try (FakePod pod = FakePod.start(fault); ToolOutput output = ToolOutput.capture()) {
            int status = Main.run("run", "--targets", pod.url(), "--sessions", "3", "--connections-per-session", "2",
                    "--rate", "30", "--max-tokens", "5", "--warmup", "500ms", "--duration", "1500ms", "--grace", "20s",
                    "--output", report.toString(), "--quiet");
            assertThat(status).as("exit status against a fake pod with fault %s; the tool printed:%n%s", fault, output.text())
                    .isEqualTo(expectedStatus);
        }
        assertThat(report).exists();
        return JsonFiles.read(report);
    }

    @Test
    @DisplayName("passes with every chunk delivered once, in order, to every connection of a session")
    void passesOnACorrectStream() throws Exception {
        JsonNode report = run(FakePod.Fault.NONE, 0);
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(report.path("correctness").path("lost_chunks").asLong()).isZero();
        assertThat(report.path("messages_accepted").asLong()).isGreaterThan(20);
        assertThat(report.path("chunks_received").asLong())
                .isEqualTo(report.path("messages_accepted").asLong() * 6 * 2);
        assertThat(report.path("ttft").path("count").asLong()).isPositive();
        assertThat(report.path("pipeline").path("p50_ms").asDouble()).isGreaterThanOrEqualTo(0);
        // Gaps are counted while measuring only; at most one per chunk after the first of a message at a connection.
        assertThat(report.path("inter_chunk_gap").path("count").asLong()).isPositive()
                .isLessThanOrEqualTo(report.path("chunks_received").asLong() * 5 / 6);
    }

    @Test
    @DisplayName("against a guest-mode pod, gives each session its own guest user on every post and stream")
    void actsAsOneGuestPerSession() throws Exception {
        JsonNode report = run(FakePod.Fault.GUEST_OWNERSHIP, 0);
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(report.path("messages_accepted").asLong()).isGreaterThan(20);
        assertThat(report.path("errors").toString()).doesNotContain("post_status");
    }

    @Test
    @DisplayName("fails the run and counts duplicates when a chunk arrives twice")
    void countsDuplicates() throws Exception {
        JsonNode report = run(FakePod.Fault.DUPLICATE_CHUNK_2, 1);
        assertThat(report.path("correctness").path("duplicate_chunks").asLong()).isPositive();
        assertThat(report.path("correctness").path("lost_chunks").asLong()).isZero();
    }

    @Test
    @DisplayName("fails the run and counts a lost chunk when an id is missing before the final chunk")
    void countsLostChunks() throws Exception {
        JsonNode report = run(FakePod.Fault.DROP_CHUNK_2, 1);
        assertThat(report.path("correctness").path("lost_chunks").asLong())
                .isEqualTo(report.path("correctness").path("messages_audited").asLong() * 2);
    }

    @Test
    @DisplayName("fails the run and counts out-of-order chunks when ids go backwards")
    void countsOutOfOrder() throws Exception {
        JsonNode report = run(FakePod.Fault.SWAP_CHUNKS_1_AND_2, 1);
        assertThat(report.path("correctness").path("out_of_order_chunks").asLong()).isPositive();
        assertThat(report.path("correctness").path("lost_chunks").asLong()).isZero();
    }

    @Test
    @DisplayName("reopens a stream the server closed with Last-Event-ID and still gets every chunk once")
    void resumesClosedStreams() throws Exception {
        JsonNode report = run(FakePod.Fault.CLOSE_FIRST_STREAM_AFTER_CHUNK_2, 0);
        assertThat(report.path("errors").path("sse_closed_by_server").asLong()).isEqualTo(3);
        assertThat(report.path("correctness").path("lost_chunks").asLong()).isZero();
        assertThat(report.path("correctness").path("duplicate_chunks").asLong()).isZero();
    }

    @Test
    @DisplayName("reads events without an id from their data, with CRLF line ends and events split across reads")
    void readsEventsWithoutIds() throws Exception {
        JsonNode report = run(FakePod.Fault.NO_IDS_CRLF_SPLIT, 0);
        assertThat(report.path("passed").asBoolean()).isTrue();
        assertThat(report.path("chunks_received").asLong())
                .isEqualTo(report.path("messages_accepted").asLong() * 6 * 2);
        assertThat(report.path("errors").path("sse_event_without_id").asLong())
                .isEqualTo(report.path("chunks_received").asLong());
        assertThat(report.path("errors").has("chunk_without_timestamp")).isFalse();
    }

    @Test
    @DisplayName("counts error and system chunks by code and notice, and still checks their order")
    void countsErrorAndSystemChunks() throws Exception {
        JsonNode report = run(FakePod.Fault.ERROR_AND_SYSTEM_CHUNKS, 0);
        long streamsTimesMessages = report.path("messages_accepted").asLong() * 2;
        assertThat(report.path("errors").path("chunk_error_provider_failed").asLong()).isEqualTo(streamsTimesMessages);
        assertThat(report.path("errors").path("chunk_system_" + dev.chatstream.schemas.ResponseChunk.SYSTEM_RESTART).asLong())
                .isEqualTo(streamsTimesMessages);
        assertThat(report.path("correctness").path("lost_chunks").asLong()).isZero();
    }

    @Test
    @DisplayName("refuses an unknown option with exit status 2")
    void refusesUnknownOptions() {
        assertThat(Main.run("run", "--no-such-option", "1")).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("loadtest-run.json"))).isFalse();
    }
}
