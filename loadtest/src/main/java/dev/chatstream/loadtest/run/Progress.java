package dev.chatstream.loadtest.run;

import dev.chatstream.loadtest.metrics.RunMetrics;

import java.util.function.Consumer;

/** The once-a-second progress line. */
final class Progress {
    private final RunMetrics metrics;
    private final Consumer<String> out;
    private final boolean quiet;
    private final long start = System.nanoTime();
    private long lastChunks;

    Progress(RunMetrics metrics, Consumer<String> out, boolean quiet) {
        this.metrics = metrics;
        this.out = out;
        this.quiet = quiet;
    }

    void tick() {
        RunMetrics.Interval interval = metrics.tick();
        long chunks = metrics.chunks.sum();
        long delta = chunks - lastChunks;
        lastChunks = chunks;
        if (quiet) {
            return;
        }
        out.accept("[%4.0fs] sent %d acked %d | chunks/s %d | ttft %s | pipeline %s | dup %d ooo %d | errors %d"
                .formatted((System.nanoTime() - start) / 1e9, metrics.sent.sum(), metrics.acked.sum(), delta,
                        interval.ttft().brief(), interval.pipeline().brief(), metrics.duplicates.sum(),
                        metrics.outOfOrder.sum(), metrics.errorCount()));
    }

    void mark(String what) {
        if (!quiet) {
            out.accept("[%4.0fs] %s".formatted((System.nanoTime() - start) / 1e9, what));
        }
    }
}
