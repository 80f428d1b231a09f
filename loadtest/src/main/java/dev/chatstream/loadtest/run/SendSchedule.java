package dev.chatstream.loadtest.run;

import java.time.Duration;

/**
 * How many messages are due by a time since sending started: {@code rate} per second, or, with a ramp, a rate
 * rising linearly from 0 to {@code rate} over the ramp and constant after it (so by the ramp's end half a ramp's
 * worth of messages has gone out). A freshly started cluster spends its first minute compiling its hot paths;
 * a ramp lets it do that under light load, as traffic reaches a newly rolled-out deployment, instead of meeting
 * the full rate cold.
 */
final class SendSchedule {
    private final double ratePerNano;
    private final long rampNanos;

    SendSchedule(double ratePerSecond, Duration ramp) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.rampNanos = Math.max(0, ramp.toNanos());
    }

    long dueBy(long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return 0;
        }
        if (elapsedNanos < rampNanos) {
            // The integral of rate * t / ramp.
            return (long) (ratePerNano * elapsedNanos / 2 * ((double) elapsedNanos / rampNanos));
        }
        return (long) (ratePerNano * (elapsedNanos - rampNanos / 2.0));
    }
}
