package dev.chatstream.loadtest.app;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's command line, parsed and validated once. Every option is {@code --name value}
 * (or {@code --name=value}); durations take {@code ms}, {@code s} or {@code m} suffixes (plain
 * numbers are seconds). Errors name the option.
 */
public record Options(
        Mode mode,
        List<URI> targets,
        int sessions,
        int connectionsPerSession,
        double rate,
        int maxTokens,
        int tokenDelayMs,
        Duration duration,
        Duration warmup,
        Duration ramp,
        Duration grace,
        Path output,
        String natsUrl,
        List<Double> natsRates,
        int payloadBytes,
        Duration baselineDuration,
        long podPid,
        boolean podGc,
        java.util.Map<String, Long> watchPids,
        int localAddresses,
        int connectConcurrency,
        Duration settle,
        String label,
        boolean quiet,
        boolean http2,
        long messages,
        dev.chatstream.loadtest.auth.AuthOptions auth) {

    /** What the generator does. */
    public enum Mode {
        /** SSE streams plus messages at a rate; optional raw NATS baseline in the same run. */
        RUN,
        /** K idle SSE connections to one pod, then one message fanned out to all of them. */
        SCALE,
        /** Only the raw NATS pub-sub baseline. */
        NATS_BASELINE;

        static Mode parse(String text) {
            return switch (text) {
                case "run" -> RUN;
                case "scale" -> SCALE;
                case "nats-baseline" -> NATS_BASELINE;
                default -> throw new IllegalArgumentException("mode: expected run, scale or nats-baseline, was " + text);
            };
        }

        public String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public static final String DEFAULT_TARGET = "http://127.0.0.1:8080";
    public static final int DEFAULT_SESSIONS = 10;
    public static final int DEFAULT_CONNECTIONS_PER_SESSION = 1;
    public static final double DEFAULT_RATE = 10;
    public static final int DEFAULT_MAX_TOKENS = 64;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(5);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

    /** Total SSE connections. */
    public int connections() {
        return sessions * connectionsPerSession;
    }

    /** Chunks each message produces: {@code max_tokens} content chunks and one final chunk. */
    public int chunksPerMessage() {
        return maxTokens + 1;
    }

    /** Chunks per second the clients should receive in total at the configured message rate. */
    public double expectedChunkRate() {
        return rate * chunksPerMessage() * connectionsPerSession;
    }

    public static String usage() {
        return """
                usage: loadtest [run|scale|nats-baseline] [options]
                       loadtest plot latency|memory|fanout --out FILE.png RESULT.json...
                  --targets URL[,URL...]       pod URLs or the load balancer (default %s)
                  --connections N              total SSE connections (sets sessions = N / connections-per-session)
                  --sessions N                 sessions (default %d)
                  --connections-per-session N  SSE connections per session, spread over targets (default %d)
                  --rate R                     messages per second, all sessions together (default %s)
                  --messages N                 stop sending after N messages (default: no limit); a burst is
                                               a --rate far above N/s with --messages N, e.g. --rate 1000000
                  --max-tokens N               demo tokens per answer; each answer is N+1 chunks (default %d)
                  --token-delay-ms N           the workers' DEMO_TOKEN_DELAY_MS, recorded as a label only
                  --duration D                 measured time after warm-up (default 30s)
                  --warmup D                   sending before measuring (default 5s)
                  --ramp D                     the send rate rises linearly from 0 to --rate over D, within the
                                               warm-up (default 0: full rate at once); a freshly started
                                               cluster's JVMs compile their hot paths during the first minute
                  --grace D                    wait for answers after sending stops (default 10s)
                  --output FILE                JSON report (default loadtest-<mode>.json)
                  --nats-url URL               raw NATS baseline through this server in the same run
                  --nats-rates R[,R...]        baseline latency rates in msgs/s (default: the run's chunk rate)
                  --payload-bytes N            baseline payload size (default: mean chunk JSON size seen)
                  --baseline-duration D        length of each baseline phase (max throughput, each rate; default 5s)
                  --pod-pid PID                scale mode: pod process whose VmRSS is read
                  --watch-pids NAME=PID,...    report the CPU each process used during the measured window
                  --pod-gc                     scale mode: full GC in the pod (jcmd GC.run) before each RSS reading
                  --local-addresses N          scale mode: source addresses 127.0.0.1..N (default: 1 per 20000 connections)
                  --connect-concurrency N      connections being opened at once (default 256)
                  --settle D                   scale mode: wait before reading RSS (default 3s)
                  --http2                      SSE streams over HTTP/2 cleartext (h2c), many streams per connection
                                               (as up to the pod's 100 concurrent streams per connection allow)
                  --auth MODE                  auto|none|guest|jwt: one user per session (default auto: asks GET /api/me)
                  --jwt-secret S               jwt: the pods' AUTH_JWT_SECRET, to mint one HS256 token per session
                  --jwt-issuer I, --jwt-audience A   jwt: claims the pods require (AUTH_JWT_ISSUER / _AUDIENCE)
                  --label TEXT                 free text stored in the report
                  --quiet                      no progress lines
                """.formatted(DEFAULT_TARGET, DEFAULT_SESSIONS, DEFAULT_CONNECTIONS_PER_SESSION, DEFAULT_RATE,
                DEFAULT_MAX_TOKENS);
    }

    /** Parses {@code args}; the first argument may be the mode. */
    public static Options parse(String... args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        Mode mode = Mode.RUN;
        if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
            mode = Mode.parse(rest.remove(0));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.equals("quiet") || name.equals("pod-gc") || name.equals("http2")) {
                value = "true";
            } else {
                if (i + 1 >= rest.size()) {
                    throw new IllegalArgumentException(name + ": missing value");
                }
                value = rest.get(++i);
            }
            values.put(name, value);
        }
        return from(mode, values);
    }

    private static Options from(Mode mode, Map<String, String> values) {
        Reader r = new Reader(values);
        List<URI> targets = r.targets();
        int cps = r.positiveInt("connections-per-session", DEFAULT_CONNECTIONS_PER_SESSION);
        int sessions = r.positiveInt("sessions", DEFAULT_SESSIONS);
        if (values.containsKey("connections")) {
            int connections = r.positiveInt("connections", 1);
            if (mode == Mode.SCALE) {
                sessions = 1;
                cps = connections;
            } else {
                if (connections % cps != 0) {
                    throw new IllegalArgumentException("connections: must be a multiple of connections-per-session (" + cps + ")");
                }
                sessions = connections / cps;
            }
        }
        double rate = r.positiveDouble("rate", DEFAULT_RATE);
        int maxTokens = r.positiveInt("max-tokens", mode == Mode.SCALE ? 1 : DEFAULT_MAX_TOKENS);
        int tokenDelay = r.nonNegativeInt("token-delay-ms", -1);
        Duration duration = r.duration("duration", DEFAULT_DURATION);
        Duration warmup = r.duration("warmup", DEFAULT_WARMUP);
        Duration ramp = r.duration("ramp", Duration.ZERO);
        if (ramp.compareTo(warmup) > 0) {
            throw new IllegalArgumentException("ramp: must end within the warm-up (--warmup " + warmup.toMillis()
                    + "ms), was " + ramp.toMillis() + "ms: the measured window is at full rate");
        }
        Duration grace = r.duration("grace", DEFAULT_GRACE);
        Path output = Path.of(values.getOrDefault("output", "loadtest-" + mode.label() + ".json"));
        String natsUrl = values.get("nats-url");
        if (natsUrl != null && !natsUrl.startsWith("nats://") && !natsUrl.startsWith("tls://")) {
            throw new IllegalArgumentException("nats-url: expected nats://host:port, was " + natsUrl);
        }
        if (mode == Mode.NATS_BASELINE && natsUrl == null) {
            throw new IllegalArgumentException("nats-url: required in nats-baseline mode");
        }
        List<Double> natsRates = r.doubles("nats-rates");
        int payloadBytes = r.nonNegativeInt("payload-bytes", 0);
        Duration baselineDuration = r.duration("baseline-duration", Duration.ofSeconds(5));
        long podPid = r.nonNegativeInt("pod-pid", 0);
        boolean podGc = Boolean.parseBoolean(values.getOrDefault("pod-gc", "false"));
        java.util.Map<String, Long> watchPids = dev.chatstream.loadtest.metrics.CpuWatch.parse(values.get("watch-pids"));
        int connections = sessions * cps;
        int localAddresses = r.positiveInt("local-addresses", Math.max(1, (connections + 19_999) / 20_000));
        if (localAddresses > 250) {
            throw new IllegalArgumentException("local-addresses: at most 250 (127.0.0.1..127.0.0.250), was " + localAddresses);
        }
        int concurrency = r.positiveInt("connect-concurrency", 256);
        Duration settle = r.duration("settle", Duration.ofSeconds(3));
        String label = values.getOrDefault("label", "");
        boolean quiet = Boolean.parseBoolean(values.getOrDefault("quiet", "false"));
        boolean http2 = Boolean.parseBoolean(values.getOrDefault("http2", "false"));
        long messages = r.nonNegativeInt("messages", 0);
        dev.chatstream.loadtest.auth.AuthOptions auth = new dev.chatstream.loadtest.auth.AuthOptions(
                dev.chatstream.loadtest.auth.AuthMode.parse(values.getOrDefault("auth", "auto")),
                values.getOrDefault("jwt-secret", System.getenv("LOADTEST_JWT_SECRET")),
                values.get("jwt-issuer"), values.get("jwt-audience"));
        r.rejectUnknown();
        return new Options(mode, targets, sessions, cps, rate, maxTokens, tokenDelay, duration, warmup, ramp, grace,
                output, natsUrl, natsRates, payloadBytes, baselineDuration, podPid, podGc, watchPids, localAddresses, concurrency, settle, label, quiet, http2,
                messages, auth);
    }

    /** Reads typed values, remembering which names were used so unknown ones can be refused. */
    private static final class Reader {
        private final Map<String, String> values;
        private final java.util.Set<String> known = new java.util.HashSet<>();

        Reader(Map<String, String> values) {
            this.values = values;
            known.addAll(List.of("connections", "output", "nats-url", "label", "quiet", "pod-gc", "watch-pids", "http2",
                    "auth", "jwt-secret", "jwt-issuer", "jwt-audience"));
        }

        List<URI> targets() {
            known.add("targets");
            List<URI> targets = new ArrayList<>();
            for (String text : values.getOrDefault("targets", DEFAULT_TARGET).split(",")) {
                URI uri;
                try {
                    uri = URI.create(text.trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("targets: not a URL: " + text);
                }
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException("targets: expected http(s)://host:port, was " + text);
                }
                targets.add(uri);
            }
            return List.copyOf(targets);
        }

        int positiveInt(String name, int fallback) {
            int value = nonNegativeInt(name, fallback);
            if (value <= 0) {
                throw new IllegalArgumentException(name + ": must be > 0, was " + value);
            }
            return value;
        }

        int nonNegativeInt(String name, int fallback) {
            known.add(name);
            String text = values.get(name);
            if (text == null) {
                return fallback;
            }
            try {
                int value = Integer.parseInt(text.replace("_", ""));
                if (value < 0) {
                    throw new IllegalArgumentException(name + ": must be >= 0, was " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not an integer: " + text);
            }
        }

        double positiveDouble(String name, double fallback) {
            known.add(name);
            String text = values.get(name);
            if (text == null) {
                return fallback;
            }
            try {
                double value = Double.parseDouble(text);
                if (!(value > 0)) {
                    throw new IllegalArgumentException(name + ": must be > 0, was " + text);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a number: " + text);
            }
        }

        List<Double> doubles(String name) {
            known.add(name);
            String text = values.get(name);
            if (text == null || text.isBlank()) {
                return List.of();
            }
            List<Double> out = new ArrayList<>();
            for (String part : text.split(",")) {
                try {
                    out.add(Double.parseDouble(part.trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + ": not a number: " + part);
                }
            }
            return List.copyOf(out);
        }

        Duration duration(String name, Duration fallback) {
            known.add(name);
            String text = values.get(name);
            if (text == null) {
                return fallback;
            }
            try {
                if (text.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
                }
                if (text.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
                }
                if (text.endsWith("m")) {
                    return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)) * 60);
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a duration (e.g. 30s, 500ms): " + text);
            }
        }

        void rejectUnknown() {
            for (String name : values.keySet()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException(name + ": unknown option\n" + usage());
                }
            }
        }
    }
}
