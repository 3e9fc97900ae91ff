package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * A control API for other hosts: with {@code allow-remote: true} the agent says at start that
 * anyone who can reach it can demote, promote and reload, and another host's {@code status} reaches
 * it. (Without {@code allow-remote} the same listener is refused at its line:
 * config/bad/control-listen-not-loopback.yaml.)
 */
class RemoteControlIT {
  AgentLab lab;

  @BeforeEach
  void setUp() {
    lab = AgentLab.create(2);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  @Test
  void aRemoteListenerIsLoggedAtStartAndServesAnotherHost() {
    NetnsLab.LabProcess agent =
        lab.agent(
            1,
            LabConfigs.agent("h1", 51, 200, "198.18.0.100/24", "")
                + "control: { listen: 0.0.0.0:9740, allow-remote: true }\n");
    lab.awaitLog(
        agent,
        "WARN  control API listens on 0.0.0.0:9740 for other hosts (allow-remote: true): anyone who"
            + " can reach it can demote, promote and reload",
        Duration.ofSeconds(30));
    var status =
        lab.lab.exec(
            2,
            AgentLab.repoRoot().resolve("bin/vrrp-agent").toString(),
            "status",
            "--control",
            "http://" + lab.lab.ipv4(1).getHostAddress() + ":9740");
    assertThat(status.succeeded()).as(status.describeFailure() + AgentLab.logs(agent)).isTrue();
    assertThat(status.stdout()).contains("node h1").contains("dns0");
  }
}
