package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.checks.CheckCounters;
import org.vrrpagent.checks.CheckStatus;
import org.vrrpagent.checks.ProbeResult;

/**
 * What {@code status} shows for a priority: one short line per contribution; the log keeps the
 * probe's reason.
 */
class PriorityTrackerContributionsTest {
  private static final String YAML =
      """
      node: h1
      checks:
        dns_ok: { dns: { server: 127.0.0.1, name: example.org } }
        web: { tcp: { host: 127.0.0.1, port: 80 } }
        more: { tcp: { host: 127.0.0.1, port: 81 } }
      instances:
        dns0:
          interface: eth0
          vrid: 51
          priority: 100
          addresses: [198.18.0.100/24]
          track:
            - { check: dns_ok, weight: -60 }
            - { check: web, weight: 10 }
            - { check: more, weight: -50 }
      """;

  private static Optional<CheckStatus> status(String name, boolean up, String reason) {
    ProbeResult r = up ? ProbeResult.up(reason, 1_000_000) : ProbeResult.down(reason, 1_000_000);
    return Optional.of(new CheckStatus(name, "probe", up, 0, Optional.of(r), new CheckCounters()));
  }

  @Test
  @DisplayName(
      "check dns_ok down: -60, check web up: +10, and the clamp, instead of 'check web up up: +10'")
  void oneShortLinePerContribution() throws Exception {
    Config config = ConfigLoader.parse("agent.yaml", YAML);
    Map<String, Optional<CheckStatus>> states =
        Map.of(
            "dns_ok", status("dns_ok", false, "DNS 127.0.0.1: SERVFAIL"),
            "web", status("web", true, "connected"),
            "more", status("more", false, "refused"));
    PriorityTracker tracker =
        new PriorityTracker(
            config,
            states::get,
            new PriorityTracker.Sink() {
              @Override
              public void priorityChanged(String instance, int effectivePriority) {}

              @Override
              public void faultRaised(String instance, String reason) {}

              @Override
              public void faultCleared(String instance) {}
            });
    PriorityTracker.Explained e = tracker.initial().get("dns0");
    assertThat(e.effective()).isEqualTo(1);
    assertThat(e.contributions())
        .containsExactly(
            "check dns_ok down: -60",
            "check web up: +10",
            "check more down: -50",
            "clamped 0 to 1");
    // The log line keeps why the check failed.
    assertThat(e.adjustments().getFirst())
        .isEqualTo("check dns_ok failed: DNS 127.0.0.1: SERVFAIL down: -60");
    assertThat(StatusReport.deltaOf("clamped 0 to 1")).isEqualTo(1);
    assertThat(StatusReport.deltaOf("check web up: +10")).isEqualTo(10);
  }
}
