package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.agent;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * "What we added, we remember": the state file lets a run with another configuration, or an
 * operator's {@code vrrp-agent cleanup}, remove what a crashed (kill -9) run left on the host. Real
 * daemons in the netns lab.
 */
class LeftoversIT {
  static final Duration ELECTION = Duration.ofSeconds(15);
  static final String X = "198.18.0.120";
  static final String Y = "198.18.0.121";

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(1);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  /**
   * Starts config A (address X, VRID 51, with {@code extra}) alone, waits for X, kills it with
   * SIGKILL.
   */
  private void crashWithX(String extra) {
    NetnsLab.LabProcess a = lab.agent(1, agent("h1", 51, 100, X + "/24", extra));
    if (extra.contains("virtual-mac")) {
      org.awaitility.Awaitility.await("X on vrrp.51")
          .atMost(ELECTION)
          .pollInterval(AgentLab.POLL)
          .until(this::vmacHasX);
    } else {
      lab.awaitAddress(1, X, System.nanoTime(), ELECTION, a);
    }
    lab.kill(a);
    assertThat(lab.hasAddress(1, X) || vmacHasX())
        .as("kill -9 leaves X behind" + AgentLab.logs(a))
        .isTrue();
  }

  private boolean vmacHasX() {
    CommandRunner.Result r = lab.lab.exec(1, "ip", "-o", "addr", "show", "dev", "vrrp.51");
    return r.succeeded() && r.stdout().contains(" " + X + "/");
  }

  private boolean linkExists(String name) {
    return lab.lab.exec(1, "ip", "link", "show", "dev", name).succeeded();
  }

  @Test
  @DisplayName(
      "kill -9 with config A (address X), start with config B (address Y): X is removed at start, with a log line")
  void leftoverOfAnotherConfigurationIsRemovedAtStart() {
    crashWithX("");
    NetnsLab.LabProcess b = lab.agent(1, agent("h1", 52, 100, Y + "/24", ""));
    lab.awaitAddress(1, Y, System.nanoTime(), ELECTION, b);
    assertThat(lab.hasAddress(1, X)).as("X left by the crashed run" + AgentLab.logs(b)).isFalse();
    assertThat(b.output())
        .contains("start-up cleanup: removed " + X + "/24 from eth0 (left by process");
    assertThat(lab.terminate(b)).isZero();
    assertThat(lab.hasAddress(1, Y)).isFalse();
  }

  @Test
  @DisplayName(
      "a virtual-MAC interface left by a crash is removed by a run whose configuration has none")
  void leftoverVirtualMacIsRemovedAtStart() {
    assertThat(sysctl("arp_ignore")).isEqualTo("0");
    assertThat(sysctl("arp_announce")).isEqualTo("0");
    crashWithX("virtual-mac: true");
    assertThat(linkExists("vrrp.51")).isTrue();
    // The crashed run had changed eth0's ARP behaviour for the virtual MAC.
    assertThat(sysctl("arp_ignore")).isEqualTo("1");
    assertThat(sysctl("arp_announce")).isEqualTo("2");
    NetnsLab.LabProcess b = lab.agent(1, agent("h1", 52, 100, Y + "/24", ""));
    lab.awaitAddress(1, Y, System.nanoTime(), ELECTION, b);
    assertThat(linkExists("vrrp.51"))
        .as("vrrp.51 left by the crashed run" + AgentLab.logs(b))
        .isFalse();
    assertThat(b.output())
        .contains("start-up cleanup: removed interface vrrp.51@eth0 00:00:5e:00:01:33")
        .contains("start-up cleanup: restored net.ipv4.conf.eth0.arp_ignore = 0");
    // The next run has no virtual MAC: eth0 answers ARP as before the crashed run.
    assertThat(sysctl("arp_ignore")).isEqualTo("0");
    assertThat(sysctl("arp_announce")).isEqualTo("0");
  }

  private String sysctl(String name) {
    CommandRunner.Result r = lab.lab.exec(1, "cat", "/proc/sys/net/ipv4/conf/eth0/" + name);
    assertThat(r.succeeded()).as(r.describeFailure()).isTrue();
    return r.stdout().strip();
  }

  @Test
  @DisplayName("vrrp-agent cleanup --dry-run lists the leftovers, cleanup removes them and says so")
  void cleanupCommandRemovesWhatACrashLeft() throws Exception {
    crashWithX("");
    String launcher = AgentLab.repoRoot().resolve("bin/vrrp-agent").toString();
    String state = lab.stateFile(1).toString();
    CommandRunner.Result dry =
        lab.lab.exec(1, launcher, "cleanup", "--state-file", state, "--dry-run");
    assertThat(dry.exitStatus()).as(dry.stdout() + dry.stderr()).isZero();
    assertThat(dry.stdout()).contains("would remove " + X + "/24 from eth0");
    assertThat(lab.hasAddress(1, X)).isTrue();

    CommandRunner.Result real = lab.lab.exec(1, launcher, "cleanup", "--state-file", state);
    assertThat(real.exitStatus()).as(real.stdout() + real.stderr()).isZero();
    assertThat(real.stdout()).contains("removed " + X + "/24 from eth0");
    assertThat(lab.hasAddress(1, X)).isFalse();
    assertThat(Files.readString(lab.stateFile(1))).doesNotContain(X);

    CommandRunner.Result again = lab.lab.exec(1, launcher, "cleanup", "--state-file", state);
    assertThat(again.stdout()).contains("nothing left behind");
  }

  @Test
  @DisplayName("cleanup and a second agent refuse a state file whose agent still runs")
  void aRunningAgentsStateFileIsNotTouched() {
    NetnsLab.LabProcess a = lab.agent(1, agent("h1", 51, 100, X + "/24", ""));
    lab.awaitAddress(1, X, System.nanoTime(), ELECTION, a);
    String launcher = AgentLab.repoRoot().resolve("bin/vrrp-agent").toString();
    CommandRunner.Result r =
        lab.lab.exec(1, launcher, "cleanup", "--state-file", lab.stateFile(1).toString());
    assertThat(r.exitStatus()).isEqualTo(1);
    assertThat(r.stderr()).contains("which still runs");
    assertThat(lab.hasAddress(1, X)).isTrue();
    NetnsLab.LabProcess second =
        lab.lab.start(
            1,
            launcher,
            "run",
            "--config",
            lab.write("second.yaml", agent("h1b", 52, 100, Y + "/24", "")).toString(),
            "--state-file",
            lab.stateFile(1).toString());
    lab.awaitLog(second, "which still runs", ELECTION);
    assertThat(lab.hasAddress(1, X)).isTrue();
    assertThat(lab.terminate(a)).isZero();
    assertThat(lab.hasAddress(1, X)).isFalse();
  }
}
