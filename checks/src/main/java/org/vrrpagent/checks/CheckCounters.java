package org.vrrpagent.checks;

import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of one check, safe to read from any thread; meant for Micrometer function meters:
 * {@code check_runs_total{check,result}} from {@link #runs(String)}, {@code check_duration_seconds}
 * from {@link #durationCount()} and {@link #durationTotalNanos()}.
 */
public final class CheckCounters {
  /** The {@code result} label values of {@code check_runs_total}. */
  public static final java.util.List<String> RESULTS =
      java.util.List.of("up", "down", "timeout", "skipped");

  private final LongAdder up = new LongAdder();
  private final LongAdder down = new LongAdder();
  private final LongAdder timeout = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final LongAdder durationCount = new LongAdder();
  private final LongAdder durationTotalNanos = new LongAdder();

  /**
   * Runs that ended up, down (not by timeout), by timeout, or were skipped because the previous run
   * was still going.
   */
  public long runs(String result) {
    return switch (result) {
      case "up" -> up.sum();
      case "down" -> down.sum();
      case "timeout" -> timeout.sum();
      case "skipped" -> skipped.sum();
      default ->
          throw new IllegalArgumentException(
              "result " + result + " (expected: one of " + RESULTS + ")");
    };
  }

  /**
   * Results that arrived after their run had already been booked as timed out (and were dropped).
   */
  public long late() {
    return late.sum();
  }

  public long durationCount() {
    return durationCount.sum();
  }

  public long durationTotalNanos() {
    return durationTotalNanos.sum();
  }

  void countResult(ProbeResult r, boolean timedOut) {
    if (timedOut) {
      timeout.increment();
    } else if (r.isUp()) {
      up.increment();
    } else {
      down.increment();
    }
    durationCount.increment();
    durationTotalNanos.add(r.latencyNanos());
  }

  void countSkip() {
    skipped.increment();
  }

  void countLate() {
    late.increment();
  }

  @Override
  public String toString() {
    return "up="
        + up
        + " down="
        + down
        + " timeout="
        + timeout
        + " skipped="
        + skipped
        + " late="
        + late;
  }
}
