package org.vrrpagent.base;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as operators write them in the configuration, in the shortest exact form: {@code 14d},
 * {@code 1h}, {@code 2m}, {@code 1s}, {@code 250ms}; below a millisecond {@code 750us} or {@code
 * 40ns}. Logs, error messages and the checks' output all write durations this way, so what an
 * operator reads can be pasted back into the file.
 */
public final class DurationText {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private DurationText() {}

  public static String of(Duration d) {
    if (d.isNegative()) {
      return "-" + of(d.negated());
    }
    if (d.isZero()) {
      return "0s";
    }
    long seconds = d.getSeconds();
    int nanos = d.getNano();
    if (nanos == 0) {
      if (seconds % 86_400 == 0) {
        return seconds / 86_400 + "d";
      }
      if (seconds % 3_600 == 0) {
        return seconds / 3_600 + "h";
      }
      if (seconds % 60 == 0) {
        return seconds / 60 + "m";
      }
      return seconds + "s";
    }
    if (nanos % NANOS_PER_MILLI == 0 && seconds < Long.MAX_VALUE / 1000) {
      return seconds * 1000 + nanos / NANOS_PER_MILLI + "ms";
    }
    if (seconds < Long.MAX_VALUE / 1_000_000_000L) {
      long total = seconds * 1_000_000_000L + nanos;
      return total % 1000 == 0 ? total / 1000 + "us" : total + "ns";
    }
    return d.toString(); // beyond any configured value
  }

  /**
   * A measured time (a probe's latency), to a tenth of a millisecond: {@code 33.2ms}. The same in
   * every locale (never {@code 33,2ms}), as {@code status} and {@code checks} print it.
   */
  public static String measuredMillis(double millis) {
    return String.format(Locale.ROOT, "%.1fms", millis);
  }
}
