package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Notifications of a CARP instance are those of a VRRP one (docs/carp.md): a transition runs the
 * hook with the instance, state and priority and sends mail (GreenMail in host 3), and a peer with
 * a wrong passphrase (Debian's ucarp in host 2, which then holds the address too) raises the
 * conflict alarm once per episode — log, status, {@code vrrp_conflict}, a CONFLICT event, one mail
 * — while its adverts are dropped and counted as {@code auth} and our state never changes.
 */
class CarpNotifyIT {
  static final String VIP = "198.18.0.110";

  /** 3 × the master-down interval at advbase 1 s, advskew 0, plus the loaded machine's margin. */
  static final Duration QUIET = Duration.ofSeconds(3 * 3 + 8);

  @AutoClose final AgentLab lab = AgentLab.withMail(3, 3);

  Path hookOut() {
    return lab.lab.workDir().resolve("hook-h1.out");
  }

  Path events() {
    return lab.lab.workDir().resolve("events-h1.jsonl");
  }

  String config() {
    Path script =
        lab.script(
            "hook-h1.sh",
            """
            #!/bin/sh
            echo "$* reason=$VRRP_REASON previous=$VRRP_PREVIOUS_STATE vips=$VRRP_VIPS" >> %s
            """
                .formatted(hookOut()));
    return """
        node: h1
        instances:
          ns:
            protocol: carp
            interface: eth0
            vhid: 60
            advbase: 1s
            advskew: 0
            password: secret
            addresses: [%s/24]
        notify:
          hooks:
            - exec: [%s]
              timeout: 5s
          email:
            smtp: { host: %s, port: 3025, starttls: none }
            from: vrrp-agent@h1.example.org
            to: [hostmaster@example.org]
            when: [master, fault]
            coalesce: 1s
          events:
            log: %s
        """
        .formatted(VIP, script, lab.lab.ipv4(3).getHostAddress(), events());
  }

  String hookLines() throws IOException {
    return Files.exists(hookOut()) ? Files.readString(hookOut()) : "";
  }

  private double authDrops() {
    return lab.metricsText(1)
        .lines()
        .filter(l -> l.startsWith("vrrp_rx_dropped_total{") && l.contains("reason=\"auth\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static long count(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).count();
  }

  @Test
  void aCarpTransitionRunsTheHookAndMails_aWrongPassphrasePeerRaisesTheConflictAlarmOnce()
      throws Exception {
    NetnsLab.LabProcess agent = lab.agent(1, config());
    lab.awaitAddress(1, VIP, System.nanoTime(), FailoverIT.ELECTION, agent);
    Awaitility.await("the MASTER hook and mail")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                hookLines().contains("INSTANCE ns MASTER 254")
                    && lab.mail().subjects().stream()
                        .anyMatch(s -> s.startsWith("[h1] ns: BACKUP -> MASTER (prio 254)")));
    assertThat(hookLines())
        .as(AgentLab.logs(agent))
        .contains("previous=BACKUP")
        .contains("vips=" + VIP);
    assertThat(lab.metricsText(1)).contains("protocol=\"carp\"");

    // A peer with the wrong passphrase: it cannot verify our adverts either, so it takes the
    // address too. We drop and count its adverts, raise the alarm once, and stay as we are.
    String peer = lab.lab.ipv4(2).getHostAddress();
    // (ucarp in host 2: its scripts add and remove the address there.)
    NetnsLab.LabProcess ucarp = lab.ucarp(2, 60, "wrong", VIP, 100, false);
    lab.awaitLog(agent, "ns: CONFLICT with " + peer, Duration.ofSeconds(15));
    lab.awaitAddress(2, VIP, System.nanoTime(), FailoverIT.ELECTION, ucarp, agent);
    assertThat(lab.hasAddress(1, VIP)).isTrue();
    String status = lab.cliOk(1, "status");
    assertThat(status)
        .as(status)
        .contains("MASTER (conflict)")
        .contains("ns: CONFLICT with " + peer + " since ");
    assertThat(lab.cliOk(1, "status", "--json").replace(" ", ""))
        .contains("\"reason\":\"auth\"", "\"peer\":\"" + peer + "\"");
    assertThat(lab.metricsText(1)).contains("vrrp_conflict{instance=\"ns\"} 1.0");
    Awaitility.await("one conflict mail")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> lab.mail().subjects().stream().anyMatch(s -> s.contains("CONFLICT")));
    double dropsBefore = authDrops();

    // A few more seconds of ucarp's adverts (one a second and a bit): counted, not alarmed again.
    Awaitility.await()
        .pollDelay(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(10))
        .until(() -> true);
    assertThat(authDrops()).isGreaterThan(dropsBefore);
    assertThat(count(agent.output(), "WARN  ns: CONFLICT with " + peer))
        .as(AgentLab.logs(agent))
        .isEqualTo(1);
    assertThat(lab.mail().subjects().stream().filter(s -> s.contains("CONFLICT")).toList())
        .containsExactly("[h1] ns: CONFLICT with " + peer + " (authentication differs)");
    assertThat(count(Files.readString(events()), "\"type\":\"CONFLICT\"")).isEqualTo(1);
    assertThat(agent.output()).as(AgentLab.logs(agent)).doesNotContain("ns: MASTER ->");
    assertThat(count(hookLines(), "INSTANCE ns MASTER")).isEqualTo(1);
    assertThat(lab.hasAddress(1, VIP)).isTrue();

    // ucarp goes away: after the quiet period the episode is over, said once; still MASTER.
    lab.kill(ucarp);
    lab.awaitLog(agent, "ns: conflict with " + peer + " over", QUIET);
    assertThat(lab.metricsText(1)).contains("vrrp_conflict{instance=\"ns\"} 0.0");
    assertThat(lab.cliOk(1, "status")).doesNotContain("CONFLICT").contains("MASTER");
    assertThat(agent.output()).doesNotContain("ns: MASTER ->").doesNotContain("Exception");
    System.out.println("CARP conflict alarm:\n" + status);
  }
}
