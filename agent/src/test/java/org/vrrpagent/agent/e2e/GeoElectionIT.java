package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * Election across routers (docs/geo-failover.md): two sites with no shared link, a router between
 * them that really decrements the TTL. Host 1 (site A, {@code wan0} 198.18.1.1/24) and host 2 (site
 * B, {@code wan0} 198.18.2.2/24) reach each other only through host 3, which forwards; their lab
 * {@code eth0} is down.
 */
class GeoElectionIT {
  static final Duration ELECTION = Duration.ofSeconds(20);
  static final String VIP = "198.18.9.100";

  AgentLab lab;

  @BeforeEach
  void buildRoutedLab() {
    lab = AgentLab.create(3);
    NetnsLab n = lab.lab;
    n.addLink(1, "wan0", "198.18.1.1/24", 3, "r1", "198.18.1.254/24");
    n.addLink(2, "wan0", "198.18.2.2/24", 3, "r2", "198.18.2.254/24");
    n.enableForwarding(3);
    n.addRoute(1, "198.18.2.0/24", "198.18.1.254");
    n.addRoute(2, "198.18.1.0/24", "198.18.2.254");
    n.execChecked(1, "ip", "link", "set", "eth0", "down");
    n.execChecked(2, "ip", "link", "set", "eth0", "down");
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  static String site(String node, int priority, String peer) {
    return """
        node: %s
        instances:
          www:
            interface: wan0
            vrid: 10
            priority: %d
            advert-interval: 1s
            addresses: [%s/32]
            unicast-peers: [%s]
        """
        .formatted(node, priority, VIP, peer);
  }

  boolean holds(int host) {
    return lab.lab
        .execChecked(host, "ip", "-o", "addr", "show", "dev", "wan0")
        .contains(" " + VIP + "/");
  }

  void awaitHolder(int host, Duration within, NetnsLab.LabProcess... logs) {
    int other = host == 1 ? 2 : 1;
    try {
      Awaitility.await("only host " + host + " holds " + VIP)
          .atMost(within)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> holds(host) && !holds(other));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + AgentLab.logs(logs), e);
    }
  }

  @Test
  @DisplayName(
      "across a router: validate refuses a peer without min-ttl; with it the sites elect, fail over"
          + " on a crash and take back")
  void electionAcrossARouter() {
    // Without min-ttl, validate on the host refuses the peer and says why (exit 2).
    Path plain = lab.write("plain-h1.yaml", site("h1", 200, "198.18.2.2"));
    CommandRunner.Result refused =
        lab.lab.exec(
            1,
            AgentLab.repoRoot().resolve("bin/vrrp-agent").toString(),
            "validate",
            "--config",
            plain.toString());
    assertThat(refused.exitStatus()).as(refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains("unicast peer 198.18.2.2 is not on a subnet of wan0 [198.18.1.1/24]")
        .contains("min-ttl below 255 for a peer across routers")
        .contains("arrive with TTL < 255");

    NetnsLab.LabProcess h1 = lab.agent(1, site("h1", 200, "{ address: 198.18.2.2, min-ttl: 250 }"));
    NetnsLab.LabProcess h2 = lab.agent(2, site("h2", 100, "{ address: 198.18.1.1, min-ttl: 250 }"));
    awaitHolder(1, ELECTION, h1, h2);
    Awaitility.await("host 1 stays the only master")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> holds(1) && !holds(2));
    // Host 2 hears the master's adverts with the TTL the router left: 254.
    String adverts =
        lab.lab
            .exec(2, "timeout", "5", "tcpdump", "-i", "wan0", "-n", "-v", "-c", "1", "ip proto 112")
            .stdout();
    assertThat(adverts).contains("ttl 254").contains("198.18.1.1 > 198.18.2.2: VRRPv3");

    // The master crashes: site B takes over.
    // (SIGKILL leaves host 1's address behind, as a crash does: only host 2 is looked at; the
    // agent removes the leftover when it starts again.)
    lab.kill(h1);
    try {
      Awaitility.await("host 2 takes over")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> holds(2));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + AgentLab.logs(h2), e);
    }
    // It comes back with the higher priority and takes back.
    NetnsLab.LabProcess again =
        lab.agent(1, site("h1", 200, "{ address: 198.18.2.2, min-ttl: 250 }"));
    awaitHolder(1, ELECTION, again, h2);
    lab.awaitLog(h2, "www: MASTER -> BACKUP", Duration.ofSeconds(10));
  }

  @Test
  @DisplayName(
      "rotation across a router: rotate NAME and a scheduled rotation hand over to the other site"
          + " for the hold, then the master takes back")
  void rotation() {
    String h1Config =
        site("h1", 200, "{ address: 198.18.2.2, min-ttl: 250 }")
            + "    rotation: { every: 1m, hold: 15s }\n";
    NetnsLab.LabProcess h1 = lab.agent(1, h1Config);
    NetnsLab.LabProcess h2 = lab.agent(2, site("h2", 100, "{ address: 198.18.1.1, min-ttl: 250 }"));
    awaitHolder(1, ELECTION, h1, h2);

    // The scheduled one: every minute, on the minute.
    lab.awaitLog(h1, "www: rotation started: scheduled", Duration.ofSeconds(75));
    awaitHolder(2, Duration.ofSeconds(15), h1, h2);
    lab.awaitLog(
        h1,
        "www: rotation handed-over: 198.18.2.2 took over (priority 100)",
        Duration.ofSeconds(10));
    // After the hold (15 s from the start) the master takes back.
    awaitHolder(1, Duration.ofSeconds(30), h1, h2);
    lab.awaitLog(h1, "www: rotation ended", Duration.ofSeconds(5));

    // One rotation now, from the CLI through the control API (the next scheduled one is at
    // least 40 s away: the hold was 15 s of the minute).
    CommandRunner.Result rotate =
        lab.lab.exec(1, AgentLab.repoRoot().resolve("bin/vrrp-agent").toString(), "rotate", "www");
    assertThat(rotate.exitStatus()).as(rotate.stdout() + rotate.stderr()).isZero();
    assertThat(rotate.stdout()).contains("rotation started");
    awaitHolder(2, Duration.ofSeconds(15), h1, h2);
    awaitHolder(1, Duration.ofSeconds(30), h1, h2);
    assertThat(h1.output()).contains("www: rotation started: requested by the operator");
    assertThat(h1.output()).doesNotContain("rotation skipped");
  }
}
