package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * What an operator does to running agents, end to end: edit the priority-order file, demote and
 * promote from the CLI, reload with SIGHUP, scrape the metrics.
 */
class OperatorIT {
  static final Duration MOVE = Duration.ofSeconds(12);

  @AutoClose final AgentLab lab = AgentLab.create(3);
  final Map<Integer, NetnsLab.LabProcess> agents = new HashMap<>();

  Path priorityFile(int host) {
    return lab.lab.workDir().resolve("priority.h" + host);
  }

  /** Writes the same order to every host's copy of the file (as a config management run would). */
  void order(String text) {
    for (int h = 1; h <= 3; h++) {
      lab.write("priority.h" + h + ".tmp", text);
      // Write-then-rename, as editors and configuration management do.
      lab.lab.execChecked(h, "mv", priorityFile(h) + ".tmp", priorityFile(h).toString());
    }
  }

  String config(int host) {
    return """
        node: h%d
        instances:
          dns0:
            interface: eth0
            vrid: 51
            advert-interval: 1s
            addresses: [198.18.0.100/24]
            garp: { delay: 1s, repeat: 2 }
            priority-order: { file: %s, ranks: [250, 200, 150], unlisted: 50 }
        """
        .formatted(host, priorityFile(host));
  }

  void startThree() {
    order("h1\nh2\nh3\n");
    for (int h = 1; h <= 3; h++) {
      agents.put(h, lab.agent(h, config(h)));
    }
    lab.awaitAddress(
        1,
        VIP4,
        System.nanoTime(),
        FailoverIT.ELECTION,
        agents.values().toArray(NetnsLab.LabProcess[]::new));
    Awaitility.await("h1 holds the VIP alone")
        .during(Duration.ofSeconds(2))
        .atMost(MOVE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP4) == 1);
  }

  NetnsLab.LabProcess[] logs() {
    return agents.values().toArray(NetnsLab.LabProcess[]::new);
  }

  @Test
  void editingThePriorityFileMovesTheAddressWithoutARestart() {
    startThree();
    order("h2\nh1\nh3\n");
    lab.awaitAddress(2, VIP4, System.nanoTime(), MOVE, logs());
    lab.awaitNoAddress(1, VIP4, Duration.ofSeconds(3), logs());

    // Commenting out the master takes it out of service: it steps down.
    order("#h2\nh1\nh3\n");
    lab.awaitAddress(1, VIP4, System.nanoTime(), MOVE, logs());

    // Garbage keeps the last good order: nothing moves, and status says why.
    order("h1\nh1\n\u0000\u0001garbage\n");
    Awaitility.await("status shows the bad file")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> lab.cliOk(1, "status", "--json").contains("INVALID"));
    Awaitility.await("nothing moves")
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> lab.holder(VIP4) == 1);
    for (NetnsLab.LabProcess p : agents.values()) {
      assertThat(p.output()).as(p.output()).doesNotContain("Exception");
    }
  }

  @Test
  void demoteAndPromoteFromTheCliMoveTheAddressAndBringItBack() {
    startThree();
    // h1 ranks first (base 250): to-backup is an override to priority 1, not a subtraction.
    assertThat(lab.cliOk(1, "demote", "dns0", "--to-backup"))
        .contains("dns0: demoted to backup by the operator");
    lab.awaitAddress(2, VIP4, System.nanoTime(), MOVE, logs());
    String demoted = lab.cliOk(1, "status", "--json");
    assertThat(demoted)
        .containsPattern("\"effectivePriority\"\\s*:\\s*1\\b")
        .contains("demoted to backup by the operator");
    assertThat(lab.cliOk(1, "promote", "dns0")).contains("dns0: demotion lifted");
    lab.awaitAddress(1, VIP4, System.nanoTime(), MOVE, logs());
    assertThat(lab.cliOk(1, "status", "--json"))
        .containsPattern("\"effectivePriority\"\\s*:\\s*250\\b")
        .doesNotContain("demoted");
  }

  @Test
  void sighupWithAnUnchangedInstanceCausesNoTransitionAndNoGratuitousArp() {
    startThree();
    NetnsLab.LabProcess master = agents.get(1);
    NetnsLab.LabProcess arp = lab.lab.start(3, "tcpdump", "-i", "eth0", "-n", "-l", "-p", "arp");
    lab.awaitLog(arp, "listening on", Duration.ofSeconds(10));
    // The master's two GARP bursts (garp delay 1 s) are over once the wire has been quiet for 1.5
    // s.
    long[] lastChange = {System.nanoTime()};
    int[] seen = {arp.output().length()};
    Awaitility.await("the GARP bursts are over")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              int now = arp.output().length();
              if (now != seen[0]) {
                seen[0] = now;
                lastChange[0] = System.nanoTime();
              }
              return System.nanoTime() - lastChange[0] > Duration.ofMillis(1500).toNanos();
            });
    String arpBefore = arp.output();
    String before = master.output();
    lab.lab.execChecked(1, "kill", "-HUP", Long.toString(master.process().pid()));
    lab.awaitLog(master, "reloaded: 1 instance(s) unchanged", Duration.ofSeconds(10));
    // A gratuitous ARP names the VIP as both target and sender ("who-has VIP tell VIP"); other
    // ARP traffic that merely mentions the VIP (a neighbour asking for it) is not one.
    String garp = "who-has " + VIP4 + " tell " + VIP4;
    java.util.function.BooleanSupplier quiet =
        () ->
            !arp.output().substring(arpBefore.length()).contains(garp)
                && !master.output().substring(before.length()).contains(" -> ");
    try {
      Awaitility.await("no GARP, no transition")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(6))
          .pollInterval(Duration.ofMillis(200))
          .until(quiet::getAsBoolean);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder why = new StringBuilder("after SIGHUP:\n-- ARP on h3:\n");
      why.append(arp.output().substring(arpBefore.length()));
      why.append("-- master (h1) log:\n").append(master.output().substring(before.length()));
      for (var entry : agents.entrySet()) {
        why.append("-- h").append(entry.getKey()).append(" log (whole):\n");
        why.append(entry.getValue().output());
      }
      throw new AssertionError(why.toString(), e);
    }
    assertThat(lab.holder(VIP4)).isEqualTo(1);
  }

  @Test
  void reloadAddsAnInstanceKeepsTheUnchangedOneAndRefusesAnInvalidFile() throws Exception {
    startThree();
    NetnsLab.LabProcess master = agents.get(1);
    String[] arguments = master.process().info().arguments().orElseThrow();
    Path config = Path.of(arguments[java.util.Arrays.asList(arguments).indexOf("--config") + 1]);
    String before = master.output();
    // A second instance appears: it starts; dns0 keeps its state and address.
    java.nio.file.Files.writeString(
        config,
        config(1)
            + """
          dns1:
            interface: eth0
            vrid: 52
            priority: 150
            advert-interval: 1s
            addresses: [198.18.0.101/24]
        """);
    assertThat(lab.cliOk(1, "reload"))
        .contains("reloaded: 1 instance(s) unchanged")
        .contains("dns1");
    lab.awaitAddress(1, "198.18.0.101", System.nanoTime(), MOVE, master);
    assertThat(lab.hasAddress(1, VIP4)).isTrue();
    assertThat(master.output().substring(before.length())).doesNotContain("dns0: MASTER ->");

    // An invalid file is refused with its errors; the running configuration stays.
    java.nio.file.Files.writeString(config, config(1).replace("vrid: 51", "vrid: 0"));
    var r = lab.cli(1, "reload");
    assertThat(r.succeeded()).isFalse();
    assertThat(r.stdout() + r.stderr())
        .contains("refused")
        .contains(":5:11: VRID 0 out of range (expected: 1..255)");
    Awaitility.await("both addresses stay")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> lab.hasAddress(1, VIP4) && lab.hasAddress(1, "198.18.0.101"));
  }

  @Test
  void metricsAreScrapedAndParse() {
    startThree();
    String body = lab.metricsText(1);
    assertThat(body).startsWith("HTTP/1.");
    Map<String, Double> samples = AgentLab.samples(body);
    assertThat(samples).containsEntry("vrrp_state{instance=\"dns0\"}", 2.0);
    assertThat(samples).containsEntry("vrrp_priority_effective{instance=\"dns0\"}", 250.0);
    assertThat(samples.keySet())
        .anyMatch(k -> k.startsWith("vrrp_adverts_sent_total{instance=\"dns0\""));
    assertThat(samples.keySet()).anyMatch(k -> k.startsWith("vrrp_rx_dropped_total{"));
  }
}
