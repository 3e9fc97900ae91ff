package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.masterDownMillis;
import static org.vrrpagent.agent.e2e.LabConfigs.skewMillis;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Mixed pairs with Debian's keepalived, in both roles, for every protocol flavour operators run:
 * keepalived master / vrrp-agent backup (keepalived crashes: the agent takes over within
 * Master_Down_Interval) and vrrp-agent master / keepalived backup (the agent stops cleanly:
 * keepalived takes over within Skew_Time).
 */
class KeepalivedInteropIT {
  static final Duration MARGIN = FailoverIT.MARGIN;
  static final Duration ELECTION = FailoverIT.ELECTION;

  /** A protocol flavour: the agent's YAML keys and keepalived's matching lines. */
  enum Flavour {
    V3_IPV4("198.18.0.100", "198.18.0.100/24", "version: 3", "version 3", ""),
    V2_PLAIN("198.18.0.104", "198.18.0.104/24", "version: 2", "version 2", ""),
    V2_PASS(
        "198.18.0.102",
        "198.18.0.102/24",
        "version: 2\nauth: { type: pass, password: secret12 }",
        "version 2",
        "authentication {\n    auth_type PASS\n    auth_pass secret12\n  }"),
    V3_IPV6("fd00:198:18::100", "fd00:198:18::100/64", "version: 3", "version 3", "");

    final String vip;
    final String vipWithPrefix;
    final String agentKeys;
    final String keepalivedVersion;
    final String keepalivedAuth;

    Flavour(
        String vip,
        String vipWithPrefix,
        String agentKeys,
        String keepalivedVersion,
        String keepalivedAuth) {
      this.vip = vip;
      this.vipWithPrefix = vipWithPrefix;
      this.agentKeys = agentKeys;
      this.keepalivedVersion = keepalivedVersion;
      this.keepalivedAuth = keepalivedAuth;
    }

    String agent(String node, int priority) {
      return LabConfigs.agent(node, 51, priority, vipWithPrefix, agentKeys);
    }

    String keepalived(String node, int priority) {
      return LabConfigs.keepalived(
          node, priority, vipWithPrefix, keepalivedVersion + "\n" + keepalivedAuth, "");
    }
  }

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(2);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  @ParameterizedTest
  @EnumSource(Flavour.class)
  void keepalivedMasterAgentBackup_agentTakesOverWhenKeepalivedCrashes(Flavour f) {
    NetnsLab.LabProcess keepalived = lab.keepalived(1, f.keepalived("h1", 200));
    lab.awaitAddress(1, f.vip, System.nanoTime(), ELECTION, keepalived);
    NetnsLab.LabProcess agent = lab.agent(2, f.agent("h2", 100));
    lab.awaitLog(agent, "dns0: INIT -> BACKUP", ELECTION);
    Awaitility.await("keepalived stays master, the agent backup")
        .during(Duration.ofMillis(masterDownMillis(100) + 500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(f.vip) == 1);
    assertThat(agent.output())
        .as(AgentLab.logs(agent))
        .doesNotContain("-> MASTER")
        // Adverts that arrive while the daemon starts are dropped as not_running; any other drop is
        // a bug.
        .doesNotContainPattern("dropped a packet \\((?!not_running)");

    long t0 = System.nanoTime();
    lab.kill(keepalived);
    long took =
        lab.awaitAddress(
            2, f.vip, t0, Duration.ofMillis(masterDownMillis(100)).plus(MARGIN), agent);
    System.out.printf(
        "MEASURED %s crash failover keepalived -> vrrp-agent: %d ms (Master_Down_Interval %d ms)%n",
        f, took, masterDownMillis(100));
  }

  @ParameterizedTest
  @EnumSource(Flavour.class)
  void agentMasterKeepalivedBackup_keepalivedTakesOverWhenAgentStops(Flavour f) {
    NetnsLab.LabProcess agent = lab.agent(1, f.agent("h1", 200));
    lab.awaitAddress(1, f.vip, System.nanoTime(), ELECTION, agent);
    NetnsLab.LabProcess keepalived = lab.keepalived(2, f.keepalived("h2", 100));
    Awaitility.await("the agent stays master, keepalived backup")
        .during(Duration.ofMillis(masterDownMillis(100) + 500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(f.vip) == 1);
    assertThat(keepalived.output())
        .as(AgentLab.logs(keepalived))
        .contains("Entering BACKUP STATE")
        .doesNotContain("Entering MASTER STATE");

    long t0 = System.nanoTime();
    assertThat(lab.terminate(agent)).isZero();
    long took =
        lab.awaitAddress(
            2, f.vip, t0, Duration.ofMillis(skewMillis(100)).plus(MARGIN), keepalived, agent);
    System.out.printf(
        "MEASURED %s graceful handover vrrp-agent -> keepalived: %d ms (Skew_Time %d ms)%n",
        f, took, skewMillis(100));
  }
}
