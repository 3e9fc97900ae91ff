package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * A failover tells people, on both nodes: each agent runs a real hook script and mails a real SMTP
 * server (GreenMail, started inside lab host 3 so the agents reach it over the bridge).
 */
class NotifyIT {
  @AutoClose final AgentLab lab = AgentLab.withMail(3, 3);

  Path hook(int host) {
    Path out = lab.lab.workDir().resolve("hook-h" + host + ".out");
    return lab.script(
        "hook-h" + host + ".sh",
        """
        #!/bin/sh
        echo "$* reason=$VRRP_REASON previous=$VRRP_PREVIOUS_STATE vips=$VRRP_VIPS node=$VRRP_NODE" >> %s
        """
            .formatted(out));
  }

  String config(int host, int priority) {
    return """
        node: h%d
        instances:
          dns0:
            interface: eth0
            vrid: 51
            priority: %d
            advert-interval: 1s
            addresses: [198.18.0.100/24]
            garp: { delay: 1s, repeat: 2 }
        notify:
          hooks:
            - exec: [%s]
              timeout: 5s
          email:
            smtp: { host: %s, port: 3025, starttls: none }
            from: vrrp-agent@h%d.example.org
            to: [hostmaster@example.org]
            when: [master, fault, backup-after-failure]
            coalesce: 1s
        """
        .formatted(host, priority, hook(host), lab.lab.ipv4(3).getHostAddress(), host);
  }

  String hookLines(int host) throws IOException {
    Path out = lab.lab.workDir().resolve("hook-h" + host + ".out");
    return Files.exists(out) ? Files.readString(out) : "";
  }

  @Test
  void aFailoverRunsTheHooksAndMailsOnBothNodes() throws Exception {
    NetnsLab.LabProcess h2 = lab.agent(2, config(2, 200));
    lab.awaitLog(h2, "dns0: INIT -> BACKUP", FailoverIT.ELECTION);
    NetnsLab.LabProcess h1 = lab.agent(1, config(1, 100));
    lab.awaitAddress(2, VIP4, System.nanoTime(), FailoverIT.ELECTION, h1, h2);
    Awaitility.await("h2's mail about becoming master")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                lab.mail().subjects().stream()
                    .anyMatch(s -> s.startsWith("[h2] dns0: BACKUP -> MASTER (prio 200)")));
    Awaitility.await("h2's MASTER hook")
        .atMost(Duration.ofSeconds(10))
        .until(() -> hookLines(2).contains("INSTANCE dns0 MASTER 200"));

    assertThat(lab.terminate(h2)).isZero();
    lab.awaitAddress(1, VIP4, System.nanoTime(), Duration.ofSeconds(5), h1);
    Awaitility.await("h1's hook and mail about becoming master")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                hookLines(1).contains("INSTANCE dns0 MASTER 100")
                    && lab.mail().subjects().stream()
                        .anyMatch(s -> s.startsWith("[h1] dns0: BACKUP -> MASTER (prio 100)")));
    assertThat(hookLines(2)).as("the stopped master's hook").contains("INSTANCE dns0 STOP");
    assertThat(hookLines(1)).contains("node=h1").contains("vips=198.18.0.100");
    // A healthy node entering BACKUP at start sends no mail (the usual policy).
    assertThat(lab.mail().subjects()).noneMatch(s -> s.contains("INIT -> BACKUP"));
    assertThat(h1.output()).doesNotContain("Exception");
  }
}
