package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;
import static org.vrrpagent.agent.e2e.LabConfigs.masterDownMillis;
import static org.vrrpagent.agent.e2e.LabConfigs.skewMillis;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * resign-below against keepalived: a tracked failure on the master moves the address to a
 * keepalived backup after keepalived's Skew_Time, where keepalived's own tracking (a master whose
 * track_file lowers its priority) makes the backup wait a whole Master_Down_Interval. The failure
 * is a tracked file (keepalived's {@code track_file} semantics on both sides), which both daemons
 * see at once through inotify.
 */
class ResignBelowIT {
  static final Duration MARGIN = FailoverIT.MARGIN;
  static final Duration ELECTION = FailoverIT.ELECTION;

  /**
   * The backup's priority: above the failed master's 100, so plain RFC preemption also moves the
   * address.
   */
  static final int BACKUP_PRIORITY = 120;

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(2);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  static String agent(String node, Path health, String extra) {
    return """
        node: %s
        checks:
          health:
            file: { path: "%s" }
        instances:
          dns0:
            interface: eth0
            vrid: 51
            priority: 200
            advert-interval: 1s
            addresses: [%s/24]
            garp: { delay: 1s, repeat: 2 }
            track:
              - { check: health, weight: 1 }
        %s"""
        .formatted(node, health, VIP4, extra.indent(4));
  }

  static String keepalived(String node, int priority, Path health) {
    String track =
        health == null
            ? ""
            : """
        vrrp_track_file health {
          file "%s"
          weight 1
        }
        """
                .formatted(health);
    return LabConfigs.keepalived(
        node,
        priority,
        VIP4 + "/24",
        "version 3\n" + (health == null ? "" : "track_file {\n  health\n}"),
        track);
  }

  @Test
  @DisplayName(
      "agent master with resign-below 150, keepalived backup: a failure below 150 hands over after keepalived's Skew_Time")
  void agentResignsAndKeepalivedTakesOverAfterSkewTime() {
    Path health = lab.write("health-h1", "0\n");
    NetnsLab.LabProcess agent = lab.agent(1, agent("h1", health, "resign-below: 150"));
    lab.awaitAddress(1, VIP4, System.nanoTime(), ELECTION, agent);
    NetnsLab.LabProcess keepalived = lab.keepalived(2, keepalived("h2", BACKUP_PRIORITY, null));
    Awaitility.await("the agent stays master, keepalived backup")
        .during(Duration.ofMillis(masterDownMillis(120) + 500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP4) == 1);

    long t0 = System.nanoTime();
    lab.write("health-h1", "-100\n"); // priority 200 - 100 = 100 < 150
    long took =
        lab.awaitAddress(
            2,
            VIP4,
            t0,
            Duration.ofMillis(skewMillis(BACKUP_PRIORITY)).plus(MARGIN),
            agent,
            keepalived);
    System.out.printf(
        "MEASURED tracked failure -> VIP on keepalived backup, vrrp-agent master with resign-below: %d ms"
            + " (keepalived Skew_Time %d ms)%n",
        took, skewMillis(BACKUP_PRIORITY));
    lab.awaitNoAddress(1, VIP4, Duration.ofSeconds(2), agent);
    assertThat(agent.output())
        .contains("dns0: MASTER -> BACKUP (priority 100 below resign-below 150");

    // keepalived (120) outranks the resigned agent (100): it keeps the role, no ping-pong.
    Awaitility.await("keepalived keeps the address")
        .during(Duration.ofMillis(masterDownMillis(100) + 500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP4) == 2);

    // The failure ends: the agent's priority is back at 200 and it preempts as usual.
    lab.write("health-h1", "0\n");
    lab.awaitAddress(
        1,
        VIP4,
        System.nanoTime(),
        Duration.ofMillis(masterDownMillis(200)).plus(Duration.ofSeconds(3)),
        agent,
        keepalived);
  }

  @Test
  @DisplayName(
      "agent alone with resign-below: it resigns once, is master again after its Master_Down_Interval, and stays")
  void agentAloneResignsOnceThenStaysMaster() {
    Path health = lab.write("health-h1", "0\n");
    NetnsLab.LabProcess agent = lab.agent(1, agent("h1", health, "resign-below: 150"));
    lab.awaitAddress(1, VIP4, System.nanoTime(), ELECTION, agent);

    long t0 = System.nanoTime();
    lab.write("health-h1", "-100\n");
    lab.awaitNoAddress(1, VIP4, Duration.ofSeconds(3), agent);
    long back =
        lab.awaitAddress(1, VIP4, t0, Duration.ofMillis(masterDownMillis(100)).plus(MARGIN), agent);
    System.out.printf(
        "MEASURED resign-below with no peer: master again after %d ms (Master_Down_Interval %d ms)%n",
        back, masterDownMillis(100));
    lab.write("health-h1", "-120\n"); // lower still: no second resign in the same episode
    Awaitility.await("stays master")
        .during(Duration.ofMillis(masterDownMillis(100) + 500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.hasAddress(1, VIP4));
    assertThat(agent.output().split("below resign-below", -1)).as(AgentLab.logs(agent)).hasSize(2);
  }

  @Test
  @DisplayName(
      "keepalived's own: keepalived master whose track_file lowers its priority, agent backup waits Master_Down_Interval")
  void keepalivedMasterWithTrackFileForComparison() {
    Path health = lab.write("health-h1", "0\n");
    NetnsLab.LabProcess keepalived = lab.keepalived(1, keepalived("h1", 200, health));
    lab.awaitAddress(1, VIP4, System.nanoTime(), ELECTION, keepalived);
    NetnsLab.LabProcess agent =
        lab.agent(2, LabConfigs.agent("h2", 51, BACKUP_PRIORITY, VIP4 + "/24", ""));
    lab.awaitLog(agent, "dns0: INIT -> BACKUP", ELECTION);
    Awaitility.await("keepalived stays master")
        .during(Duration.ofMillis(masterDownMillis(120) + 500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP4) == 1);

    long t0 = System.nanoTime();
    lab.write("health-h1", "-100\n");
    long took =
        lab.awaitAddress(
            2,
            VIP4,
            t0,
            Duration.ofMillis(masterDownMillis(BACKUP_PRIORITY)).plus(MARGIN),
            keepalived,
            agent);
    System.out.printf(
        "MEASURED tracked failure -> VIP on vrrp-agent backup, keepalived master with track_file: %d ms"
            + " (Master_Down_Interval %d ms)%n",
        took, masterDownMillis(BACKUP_PRIORITY));
    assertThat(took)
        .as("keepalived has no resign-below: the backup waits for its timer")
        .isGreaterThan(masterDownMillis(BACKUP_PRIORITY) - 1000);
  }
}
