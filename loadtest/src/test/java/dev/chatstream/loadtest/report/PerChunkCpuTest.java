package dev.chatstream.loadtest.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PerChunkCpuTest {

    @Test
    @DisplayName("turns cores used over the measured window into CPU microseconds per delivered chunk, per process and in total")
    void dividesCpuTimeByChunks() {
        Map<String, Double> cores = new LinkedHashMap<>();
        cores.put("pod", 0.5);
        cores.put("nats", 0.25);
        // 10 s at 0.5 cores = 5 s of CPU over 100,000 chunks = 50 us per chunk.
        assertThat(RunReport.perChunk(cores, 10, 100_000))
                .containsEntry("pod", 50.0).containsEntry("nats", 25.0).containsEntry("total", 75.0);
        assertThat(RunReport.perChunk(Map.of(), 10, 100)).isNull();
        assertThat(RunReport.perChunk(cores, 10, 0)).isNull();
    }
}
