package dev.chatstream.loadtest.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU used by named processes (the generator itself, pods, workers, nats-server, redis) over the
 * measured window, from {@code /proc/<pid>/stat} (Linux). On a small shared machine this is what
 * says which process bounds a figure.
 */
public final class CpuWatch {
    /** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel config. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> pids;
    private final Map<String, Long> startTicks = new LinkedHashMap<>();
    private long startNanos;

    /** {@code pids}: name → pid; the generator's own process is added as {@code loadtest}. */
    public CpuWatch(Map<String, Long> pids) {
        Map<String, Long> all = new LinkedHashMap<>();
        all.put("loadtest", ProcessHandle.current().pid());
        all.putAll(pids);
        this.pids = all;
    }

    public void start() {
        startNanos = System.nanoTime();
        pids.forEach((name, pid) -> startTicks.put(name, ticks(pid)));
    }

    /** Cores used by each process since {@link #start} (1.0 = one core busy all the time); -1 when unreadable. */
    public Map<String, Double> coresUsed() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            long before = startTicks.getOrDefault(name, -1L);
            long now = ticks(pid);
            out.put(name, before < 0 || now < 0 || seconds <= 0 ? -1.0
                    : Math.round((now - before) / TICKS_PER_SECOND / seconds * 100) / 100.0);
        });
        return out;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Parses {@code name=pid,name=pid}. */
    public static Map<String, Long> parse(String text) {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return pids;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("watch-pids: expected name=pid, was " + part);
            }
            try {
                pids.put(part.substring(0, eq).trim(), Long.parseLong(part.substring(eq + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("watch-pids: not a pid: " + part);
            }
        }
        return pids;
    }
}
