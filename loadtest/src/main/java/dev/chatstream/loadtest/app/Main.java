package dev.chatstream.loadtest.app;

import dev.chatstream.loadtest.nats.NatsBaseline;
import dev.chatstream.loadtest.report.JsonFiles;
import dev.chatstream.loadtest.report.Plot;
import dev.chatstream.loadtest.report.RunReport;
import dev.chatstream.loadtest.report.ScaleReport;
import dev.chatstream.loadtest.run.LoadRun;
import dev.chatstream.loadtest.scale.ScaleRun;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point: {@code java -jar loadtest.jar [run|scale|nats-baseline] [options]}, or
 * {@code plot ...} to draw PNGs from result files. Exit status 0 when every check passed, 1 when
 * chunks were lost, duplicated or out of order (or nothing was delivered), 2 on bad options.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit status (tests call this directly). */
    public static int run(String... args) {
        if (args.length > 0 && args[0].equals("plot")) {
            return Plot.main(Arrays.copyOfRange(args, 1, args.length));
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
            System.out.println(Options.usage());
            return 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadtest: " + e.getMessage());
            System.err.println(Options.usage());
            return 2;
        }
        try {
            return switch (options.mode()) {
                case RUN -> {
                    RunReport report = new LoadRun(options, System.out::println).execute();
                    JsonFiles.write(options.output(), report);
                    System.out.println(report.text());
                    System.out.println("report written to " + options.output());
                    yield report.passed() ? 0 : 1;
                }
                case SCALE -> {
                    ScaleReport report = new ScaleRun(options, System.out::println).execute();
                    JsonFiles.write(options.output(), report);
                    System.out.println(report.text());
                    System.out.println("report written to " + options.output());
                    yield report.passed() ? 0 : 1;
                }
                case NATS_BASELINE -> {
                    List<Double> rates = options.natsRates().isEmpty() ? List.of(1_000.0, 10_000.0) : options.natsRates();
                    int payload = options.payloadBytes() > 0 ? options.payloadBytes() : 300;
                    NatsBaseline.Result result = new NatsBaseline(options.natsUrl(), payload, System.out::println)
                            .run(options.baselineDuration(), rates, options.baselineDuration());
                    JsonFiles.write(options.output(), result);
                    System.out.println("report written to " + options.output());
                    yield 0;
                }
            };
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("loadtest: " + e);
            e.printStackTrace(System.err);
            return 1;
        }
    }
}
