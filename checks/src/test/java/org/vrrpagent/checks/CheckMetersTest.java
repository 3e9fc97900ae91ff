package org.vrrpagent.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CheckMetersTest {
  private static final long MS = 1_000_000L;

  @Test
  void metersReadTheSchedulersCounters() {
    VirtualTime time = new VirtualTime();
    CheckScheduler scheduler = new CheckScheduler(time, time, 1, false);
    Instant notAfter = Instant.now().plus(Duration.ofDays(10));
    int[] run = {0};
    scheduler.add(
        new CheckSpec(
            "web",
            HttpProbeSpec.of("https://127.0.0.1/"),
            Duration.ofSeconds(1),
            null,
            null,
            null,
            null),
        timeout ->
            CompletableFuture.completedFuture(
                ++run[0] == 2
                    ? ProbeResult.down("HTTP 503 (expected: 200)", 20 * MS)
                    : new ProbeResult(
                        ProbeStatus.UP,
                        "HTTP 200",
                        10 * MS,
                        "",
                        false,
                        OptionalInt.empty(),
                        "",
                        java.util.Optional.of(notAfter))));
    scheduler.start();
    time.runDue();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckMeters.registerAll(registry, scheduler);
    assertThat(registry.get("check_up").tag("check", "web").gauge().value()).isEqualTo(1);
    time.advanceTo(2500 * MS);
    assertThat(
            registry
                .get("check_runs")
                .tag("check", "web")
                .tag("result", "up")
                .functionCounter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get("check_runs")
                .tag("check", "web")
                .tag("result", "down")
                .functionCounter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get("check_runs")
                .tag("check", "web")
                .tag("result", "skipped")
                .functionCounter()
                .count())
        .isZero();
    assertThat(registry.get("check_duration").tag("check", "web").functionTimer().count())
        .isEqualTo(3);
    assertThat(
            registry
                .get("check_duration")
                .tag("check", "web")
                .functionTimer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(40);
    assertThat(registry.get("check_certificate_expiry").tag("check", "web").gauge().value())
        .isBetween(10 * 86400.0 - 60, 10 * 86400.0 + 1);
  }
}
