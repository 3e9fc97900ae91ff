package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.control.Demotion;
import org.vrrpagent.checks.CheckCounters;
import org.vrrpagent.checks.CheckStatus;
import org.vrrpagent.checks.ProbeResult;

/** Operator demotions as the tracker computes them: an override to priority 1, or a subtraction. */
class PriorityTrackerTest {
  private final List<String> sent = new ArrayList<>();
  private final PriorityTracker.Sink sink =
      new PriorityTracker.Sink() {
        @Override
        public void priorityChanged(String instance, int effectivePriority) {
          sent.add(instance + "=" + effectivePriority);
        }

        @Override
        public void faultRaised(String instance, String reason) {
          sent.add(instance + " fault");
        }

        @Override
        public void faultCleared(String instance) {
          sent.add(instance + " ok");
        }
      };

  private static Config config() throws Exception {
    return ConfigLoader.parse(
        "t.yaml",
        """
        instances:
          dns0: { interface: eth0, vrid: 51, priority: 200, addresses: [198.18.0.100/24], track: [{ check: web, weight: 100 }] }
          web0: { interface: eth0, vrid: 52, priority: 200, addresses: [198.18.0.101/24], track: [{ check: web, weight: 20 }] }
          owner: { interface: eth0, vrid: 53, priority: 255, addresses: [198.18.0.102/24] }
        checks:
          web:
            tcp: { host: 127.0.0.1, port: 80 }
        """);
  }

  private static Optional<CheckStatus> up(String check) {
    return Optional.of(
        new CheckStatus(
            check,
            "tcp",
            true,
            0,
            Optional.of(ProbeResult.up("connected", 1)),
            new CheckCounters()));
  }

  @Test
  void toBackupIsPriorityOneWhateverChecksAdd() throws Exception {
    PriorityTracker tracker = new PriorityTracker(config(), PriorityTrackerTest::up, sink);
    assertThat(tracker.initial().get("dns0").effective()).as("200 + 100, clamped").isEqualTo(254);

    tracker.demote("dns0", new Demotion.ToBackup());
    PriorityTracker.Explained e = tracker.explain().get("dns0");
    assertThat(e.effective()).as("an override, not 254 - 253").isEqualTo(1);
    assertThat(e.demotionText()).isEqualTo("demoted to backup by the operator");
    assertThat(sent).containsExactly("dns0=1");

    tracker.promote("dns0");
    assertThat(tracker.explain().get("dns0").effective()).isEqualTo(254);
    assertThat(tracker.explain().get("dns0").demotionText()).isNull();
    assertThat(sent).containsExactly("dns0=1", "dns0=254");
  }

  @Test
  void byNSubtractsLikeAFailingCheck() throws Exception {
    PriorityTracker tracker = new PriorityTracker(config(), PriorityTrackerTest::up, sink);
    assertThat(tracker.initial().get("web0").effective()).isEqualTo(220);
    tracker.demote("web0", new Demotion.By(40));
    assertThat(tracker.explain().get("web0").effective()).isEqualTo(180);
    assertThat(tracker.explain().get("web0").demotionText())
        .isEqualTo("demoted by 40 by the operator");
    tracker.demote("web0", new Demotion.By(250));
    assertThat(tracker.explain().get("web0").effective()).as("never below 1").isEqualTo(1);
  }

  @Test
  void anOwnerCannotBeDemoted() throws Exception {
    PriorityTracker tracker = new PriorityTracker(config(), PriorityTrackerTest::up, sink);
    tracker.initial();
    assertThatThrownBy(() -> tracker.demote("owner", new Demotion.ToBackup()))
        .hasMessage("owner is an address owner (priority 255): it cannot be demoted");
    assertThat(tracker.explain().get("owner").effective()).isEqualTo(255);
  }
}
