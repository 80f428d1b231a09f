package dev.chatstream.loadtest.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PlotTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("draws latency against rate from run reports, ours and raw NATS")
    void drawsLatency() throws Exception {
        Path run = dir.resolve("run.json");
        Files.writeString(run, """
                {"kind":"run","delivered_chunks_per_s":10000,
                 "pipeline":{"count":5,"p50_ms":0.9,"p99_ms":3.1,"p999_ms":7.0},
                 "nats_baseline":{"latency_at_rates":[{"rate":10000,"latency":{"p50_ms":0.2,"p99_ms":1.5,"p999_ms":3.0}}]}}
                """);
        Path run2 = dir.resolve("run2.json");
        Files.writeString(run2, """
                {"kind":"run","delivered_chunks_per_s":1000,
                 "pipeline":{"count":5,"p50_ms":0.7,"p99_ms":2.1,"p999_ms":5.0},
                 "nats_baseline":{"latency_at_rates":[{"rate":1000,"latency":{"p50_ms":0.15,"p99_ms":1.0,"p999_ms":2.0}}]}}
                """);
        Path png = dir.resolve("latency.png");
        assertThat(Plot.main("latency", "--out", png.toString(), run.toString(), run2.toString())).isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isPositive();
    }

    @Test
    @DisplayName("draws memory per connection from scale reports and refuses files without points")
    void drawsMemory() throws Exception {
        Path scale = dir.resolve("scale.json");
        Files.writeString(scale, """
                {"kind":"scale","connections_opened":10000,"pod_bytes_per_connection":8192,
                 "last_client_first_chunk_ms":40,"last_client_final_chunk_ms":45}
                """);
        assertThat(Plot.main("memory", "--out", dir.resolve("m.png").toString(), scale.toString())).isZero();
        assertThat(Plot.main("fanout", "--out", dir.resolve("f.png").toString(), scale.toString())).isZero();
        assertThat(Plot.main("latency", "--out", dir.resolve("none.png").toString(), scale.toString())).isEqualTo(1);
    }
}
