package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;
import static org.vrrpagent.agent.e2e.LabConfigs.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * The daemon as the unit runs it unprivileged: user {@code nobody} with only CAP_NET_RAW and
 * CAP_NET_ADMIN (ambient, as {@code AmbientCapabilities=} gives them), started with {@code setpriv}
 * inside the lab namespace. It elects itself, takes the address on its virtual-MAC interface
 * (macvlan and sysctls need CAP_NET_ADMIN only), writes its state file and control socket in a
 * directory it owns, runs its hook and check script as itself, and releases everything at SIGTERM.
 */
class LeastPrivilegeIT {
  static final Duration ELECTION = Duration.ofSeconds(20);
  static final int NOBODY = 65534;

  AgentLab lab;
  Path dir;

  @BeforeEach
  void setUp() throws IOException {
    lab = AgentLab.create(1);
    // The user's own directory (what RuntimeDirectory= gives the unit); its parent must be
    // traversable.
    Path parent =
        Files.createTempDirectory(
            "vrrp-lp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    dir = Files.createDirectory(parent.resolve("run"));
    Files.setAttribute(dir, "unix:uid", NOBODY);
    Files.setAttribute(dir, "unix:gid", NOBODY);
  }

  @AfterEach
  void tearDown() throws IOException {
    lab.close();
    try (Stream<Path> s = Files.walk(dir.getParent())) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  @DisplayName(
      "as nobody with only CAP_NET_RAW + CAP_NET_ADMIN: elects, takes the address on its virtual MAC, releases it at SIGTERM")
  void runsWithTwoCapabilitiesOnly() throws Exception {
    Path hookOut = dir.resolve("hook-uid");
    String yaml =
        agent("h1", 51, 100, VIP4 + "/24", "virtual-mac: true\ntrack:\n  - { check: me }")
            + """
        checks:
          me:
            script: { exec: [/bin/sh, -c, "test $(id -u) = %d"] }
            interval: 1s
        control:
          unix-socket: %s
        notify:
          hooks:
            - exec: [/bin/sh, -c, "id -u > %s", hook]
              on: [master]
        """
                .formatted(NOBODY, dir.resolve("control.sock"), hookOut);
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    String launcher = AgentLab.repoRoot().resolve("bin/vrrp-agent").toString();
    NetnsLab.LabProcess p = lab.lab.start(1, asNobodyWithTwoCapabilities(launcher, config));

    Awaitility.await("the VIP on vrrp.51")
        .atMost(ELECTION)
        .pollInterval(AgentLab.POLL)
        .failFast("the agent exited:" + AgentLab.logs(p), () -> !p.process().isAlive())
        .until(() -> vmacHas(VIP4));
    String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
    assertThat(status)
        .containsPattern("(?m)^Uid:\\s+" + NOBODY + "\\s")
        .containsPattern("(?m)^CapEff:\\s+0000000000003000$");
    assertThat(p.output()).contains("dns0: BACKUP -> MASTER").doesNotContain("ERROR");
    Awaitility.await("the hook ran as nobody")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(AgentLab.POLL)
        .until(
            () ->
                Files.exists(hookOut)
                    && Files.readString(hookOut).strip().equals(Integer.toString(NOBODY)));
    assertThat(Files.readString(dir.resolve("state.json"))).contains(VIP4).contains("vrrp.51");
    CommandRunner.Result st =
        lab.lab.exec(1, launcher, "status", "--control", "unix:" + dir.resolve("control.sock"));
    assertThat(st.stdout() + st.stderr()).contains("MASTER");

    assertThat(lab.terminate(p)).as(AgentLab.logs(p)).isZero();
    assertThat(vmacHas(VIP4)).isFalse();
    assertThat(lab.lab.exec(1, "ip", "link", "show", "dev", "vrrp.51").succeeded())
        .as("vrrp.51 removed")
        .isFalse();
    assertThat(lab.lab.execChecked(1, "cat", "/proc/sys/net/ipv4/conf/eth0/arp_ignore").strip())
        .as("sysctl restored")
        .isEqualTo("0");
    assertThat(Files.readString(dir.resolve("state.json")))
        .doesNotContain(VIP4)
        .doesNotContain("vrrp.51");
  }

  @Test
  @DisplayName(
      "as nobody without CAP_SETUID/CAP_SETGID, a script with user: root is refused at start (exit 2, file:line:col)")
  void aScriptForAnotherUserIsRefusedWithoutTheCapabilities() throws Exception {
    String yaml =
        agent("h1", 51, 100, VIP4 + "/24", "track:\n  - { check: as-root }")
            + """
        checks:
          as-root:
            script: { exec: [/bin/true], user: root }
            interval: 1s
        """;
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    String launcher = AgentLab.repoRoot().resolve("bin/vrrp-agent").toString();
    CommandRunner.Result r = lab.lab.exec(1, asNobodyWithTwoCapabilities(launcher, config));
    assertThat(r.exitStatus()).as(r.stdout() + r.stderr()).isEqualTo(2);
    assertThat(r.stderr())
        .containsPattern(java.util.regex.Pattern.quote(config.toString()) + ":\\d+:\\d+: ")
        .contains("user \"root\": the agent runs as nobody without CAP_SETUID and CAP_SETGID");
    assertThat(vmacHas(VIP4) || lab.hasAddress(1, VIP4)).isFalse();
  }

  /** {@code vrrp-agent run} as the unit starts it: user nobody, CAP_NET_RAW + CAP_NET_ADMIN. */
  private String[] asNobodyWithTwoCapabilities(String launcher, Path config) {
    return new String[] {
      "setpriv",
      "--reuid=" + NOBODY,
      "--regid=" + NOBODY,
      "--init-groups",
      "--inh-caps=+net_raw,+net_admin",
      "--ambient-caps=+net_raw,+net_admin",
      "--",
      launcher,
      "run",
      "--config",
      config.toString(),
      "--state-file",
      dir.resolve("state.json").toString()
    };
  }

  private boolean vmacHas(String address) {
    CommandRunner.Result r = lab.lab.exec(1, "ip", "-o", "addr", "show", "dev", "vrrp.51");
    return r.succeeded() && r.stdout().contains(" " + address + "/");
  }
}
