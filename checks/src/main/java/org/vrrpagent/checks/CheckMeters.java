package org.vrrpagent.checks;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Registers a check's meters (names as in docs/checks.md) that read the scheduler's live counters,
 * so booking a result costs nothing extra: {@code check_runs_total{check,result}}, {@code
 * check_duration_seconds{check}}, {@code check_up{check}}, {@code check_late_results_total{check}},
 * {@code check_certificate_expiry_seconds{check}} (https checks, once a certificate was seen; NaN
 * before).
 */
public final class CheckMeters {
  private CheckMeters() {}

  /** Registers the meters of one check; returns them so a removed check's meters can be removed. */
  public static List<Meter> register(
      MeterRegistry registry, CheckScheduler scheduler, String check) {
    CheckStatus status =
        scheduler
            .status(check)
            .orElseThrow(() -> new IllegalArgumentException("no check " + check));
    CheckCounters counters = status.counters();
    List<Meter> meters = new ArrayList<>();
    for (String result : CheckCounters.RESULTS) {
      meters.add(
          FunctionCounter.builder("check_runs", counters, c -> c.runs(result))
              .description("Check runs by result")
              .tag("check", check)
              .tag("result", result)
              .register(registry));
    }
    meters.add(
        FunctionCounter.builder("check_late_results", counters, CheckCounters::late)
            .description("Results that came after their run had timed out")
            .tag("check", check)
            .register(registry));
    meters.add(
        FunctionTimer.builder(
                "check_duration",
                counters,
                CheckCounters::durationCount,
                CheckCounters::durationTotalNanos,
                TimeUnit.NANOSECONDS)
            .description("Time from a check run's start to its result")
            .tag("check", check)
            .register(registry));
    meters.add(
        Gauge.builder("check_up", scheduler, s -> s.isUp(check) ? 1 : 0)
            .description("1 while the check is up")
            .tag("check", check)
            .register(registry));
    meters.add(
        Gauge.builder("check_certificate_expiry", scheduler, s -> certificateSecondsLeft(s, check))
            .description("Seconds until the certificate an https check last saw expires")
            .tag("check", check)
            .baseUnit("seconds")
            .register(registry));
    return meters;
  }

  /** Registers the meters of every check the scheduler has now. */
  public static List<Meter> registerAll(MeterRegistry registry, CheckScheduler scheduler) {
    List<Meter> meters = new ArrayList<>();
    scheduler.statuses().forEach(s -> meters.addAll(register(registry, scheduler, s.name())));
    return meters;
  }

  private static double certificateSecondsLeft(CheckScheduler s, String check) {
    return s.status(check)
        .flatMap(CheckStatus::lastResult)
        .flatMap(ProbeResult::certificateNotAfter)
        .map(na -> (double) (na.getEpochSecond() - Instant.now().getEpochSecond()))
        .orElse(Double.NaN);
  }
}
