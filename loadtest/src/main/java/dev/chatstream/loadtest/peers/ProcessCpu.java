package dev.chatstream.loadtest.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of a server: a process and every process below it, read from
 * {@code /proc/<pid>/stat}. A tree because Pushpin runs as four processes under its runner and nginx's
 * work happens in its worker under the master; the descendants are listed once, when created.
 */
final class ProcessCpu {
    /** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream kernel config. */
    private static final long MICROS_PER_TICK = 10_000;

    private final String name;
    private final List<Long> pids;

    private ProcessCpu(String name, List<Long> pids) {
        this.name = name;
        this.pids = pids;
    }

    /** The process {@code root} and its descendants as they are now. */
    static ProcessCpu tree(String name, long root) {
        List<Long> pids = new ArrayList<>();
        pids.add(root);
        for (int i = 0; i < pids.size(); i++) {
            pids.addAll(children(pids.get(i)));
        }
        return new ProcessCpu(name, List.copyOf(pids));
    }

    String name() {
        return name;
    }

    int processes() {
        return pids.size();
    }

    /** CPU microseconds used so far by the processes of the tree that still run. */
    long micros() {
        long ticks = 0;
        for (long pid : pids) {
            long[] stat = stat(pid);
            if (stat != null) {
                ticks += stat[1] + stat[2];
            }
        }
        return ticks * MICROS_PER_TICK;
    }

    private static List<Long> children(long parent) {
        List<Long> children = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString()).filter(s -> s.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).forEach(pid -> {
                        long[] stat = stat(pid);
                        if (stat != null && stat[0] == parent) {
                            children.add(pid);
                        }
                    });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return children;
    }

    /** {ppid, utime, stime}, or null when the process is gone. */
    private static long[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[]{Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
