package org.vrrpagent.checks;

import java.time.Duration;

/** Formats durations the way operators write them in the configuration: 1s, 250ms, 2m. */
public final class Durations {
    private Durations() {
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 && !d.isZero()) {
            return d.toNanos() / 1000 + "us";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
