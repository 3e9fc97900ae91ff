package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * The split brain of issue 11, seen by the conflict alarm: a real keepalived and vrrp-agent on one
 * link with one VRID but different VRRP versions. Each drops the other's adverts and both hold the
 * address; vrrp-agent says so once per episode in its log, in {@code status} and {@code /status},
 * in {@code vrrp_conflict}, as a CONFLICT event and in one mail (GreenMail in host 3), and says
 * when it is over after the quiet period. Both directions: keepalived speaking VRRPv2 (its default)
 * against our VRRPv3 (ours), and keepalived VRRPv3 against an agent configured for VRRPv2.
 */
class ConflictAlarmIT {
  /** 3 × Master_Down_Interval at 1 s and priority 100, plus the loaded machine's margin. */
  static final Duration QUIET =
      Duration.ofMillis(3 * LabConfigs.masterDownMillis(100)).plusSeconds(8);

  @AutoClose final AgentLab lab = AgentLab.withMail(3, 3);

  private String agentConfig(String versionKey, Path events) {
    return LabConfigs.agent("h2", 51, 100, "198.18.0.100/24", versionKey)
        + """
        notify:
          email:
            smtp: { host: %s, port: 3025, starttls: none }
            from: vrrp-agent@h2.example.org
            to: [hostmaster@example.org]
            when: [fault]
          events:
            log: %s
        """
            .formatted(lab.lab.ipv4(3).getHostAddress(), events);
  }

  private static long count(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).count();
  }

  /** Runs the scenario: keepalived in host 1 ({@code keepalivedVersion}), the agent in host 2. */
  private void splitBrainIsAlarmedOncePerEpisode(
      String keepalivedVersion, String agentVersionKey, String detail) throws Exception {
    Path events = lab.lab.workDir().resolve("events-h2.jsonl");
    String peer = lab.lab.ipv4(1).getHostAddress();
    NetnsLab.LabProcess keepalived =
        lab.keepalived(
            1, LabConfigs.keepalived("h1", 200, "198.18.0.100/24", keepalivedVersion, ""));
    lab.awaitAddress(1, VIP4, System.nanoTime(), FailoverIT.ELECTION, keepalived);
    NetnsLab.LabProcess agent = lab.agent(2, agentConfig(agentVersionKey, events));

    // The split brain is real: keepalived (priority 200) keeps the address, and the agent takes it
    // too.
    lab.awaitAddress(2, VIP4, System.nanoTime(), FailoverIT.ELECTION, agent, keepalived);
    assertThat(lab.hasAddress(1, VIP4)).as(AgentLab.logs(keepalived)).isTrue();

    // The alarm: status (text and JSON), the gauge, the event, the mail.
    lab.awaitLog(
        agent,
        "dns0: CONFLICT with " + peer + ": VRRP version differs (" + detail + ")",
        Duration.ofSeconds(10));
    String status = lab.cliOk(2, "status");
    assertThat(status)
        .as(status)
        .contains("MASTER (conflict)")
        .contains("dns0: CONFLICT with " + peer + " since ")
        .contains(": VRRP version differs (" + detail + ")")
        .contains("198.18.0.100/24 (held)");
    assertThat(lab.cliOk(2, "status", "--json").replace(" ", ""))
        .contains(
            "\"reason\":\"version_mismatch\"",
            "\"peer\":\"" + peer + "\"",
            "\"heldAddresses\":[\"198.18.0.100/24\"]");
    assertThat(lab.metricsText(2)).contains("vrrp_conflict{instance=\"dns0\"} 1.0");
    try {
      Awaitility.await("one conflict mail")
          .atMost(Duration.ofSeconds(20))
          .until(() -> !lab.mail().subjects().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + AgentLab.logs(agent), e);
    }
    assertThat(lab.mail().subjects())
        .containsExactly("[h2] dns0: CONFLICT with " + peer + " (VRRP version differs)");

    // The agent logs the mail once the SMTP server has it: wait for that line, not a time.
    lab.awaitLog(agent, "mail sent: [h2] dns0: CONFLICT", Duration.ofSeconds(10));
    // Four more seconds of adverts (one a second), and all the while: one log line, one event, one
    // mail (checked at every poll, so a second one at any moment fails the test).
    Awaitility.await("still one log line, one mail, one event while the adverts go on")
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(count(agent.output(), "WARN  dns0: CONFLICT with " + peer))
                  .as(AgentLab.logs(agent))
                  .isEqualTo(1);
              assertThat(count(agent.output(), "mail sent: [h2] dns0: CONFLICT"))
                  .as(AgentLab.logs(agent))
                  .isEqualTo(1);
              assertThat(lab.mail().subjects()).hasSize(1);
              assertThat(count(Files.readString(events), "\"type\":\"CONFLICT\"")).isEqualTo(1);
            });
    assertThat(Files.readString(events))
        .contains("\"state\":\"raised\"", "\"peer\":\"" + peer + "\"");

    // keepalived goes away: after the quiet period the episode is over, said once.
    lab.kill(keepalived);
    lab.awaitLog(agent, "dns0: conflict with " + peer + " over", QUIET);
    assertThat(lab.metricsText(2)).contains("vrrp_conflict{instance=\"dns0\"} 0.0");
    assertThat(lab.cliOk(2, "status")).doesNotContain("CONFLICT").contains("MASTER");
    Awaitility.await("the cleared event")
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.readString(events).contains("\"state\":\"cleared\""));
    assertThat(lab.mail().subjects()).hasSize(1);
    System.out.println("conflict alarm (" + keepalivedVersion + "):\n" + status);
  }

  @Test
  void keepalivedV2BesideAgentV3() throws Exception {
    // keepalived's default version is 2: no version line, as in most keepalived.conf files.
    splitBrainIsAlarmedOncePerEpisode(
        "", "", "VRRPv2 from " + lab.lab.ipv4(1).getHostAddress() + " (expected: VRRPv3)");
  }

  @Test
  void keepalivedV3BesideAgentV2() throws Exception {
    splitBrainIsAlarmedOncePerEpisode(
        "version 3",
        "version: 2",
        "VRRPv3 from " + lab.lab.ipv4(1).getHostAddress() + " (expected: VRRPv2)");
  }
}
