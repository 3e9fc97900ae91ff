package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.H1;
import static org.vrrpagent.agent.e2e.LabConfigs.H2;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * The dns-update action against a real BIND 9 primary on a third host: RFC 2136 updates signed with
 * TSIG. The records follow the master on failover (and are verified by query); a wrong key is one
 * clear line and changes nothing; a server that is down is retried while the master stays master,
 * and the adverts go on regardless.
 */
class GeoDnsUpdateIT {
  static final Duration ELECTION = FailoverIT.ELECTION;
  static final Duration ACT = Duration.ofSeconds(40);

  @AutoClose final AgentLab lab = AgentLab.create(3);

  String config(int host, int priority, Path key) {
    return """
        node: h%d
        instances:
          www:
            interface: eth0
            vrid: 10
            priority: %d
            advert-interval: 1s
            addresses: []
            hosts:
              h1: { A: 198.18.0.11, vrrp: 198.18.0.11 }
              h2: { A: 198.18.0.12, vrrp: 198.18.0.12 }
            actions:
              - dns-update:
                  server: 198.18.0.13
                  zone: example.org
                  tsig: { name: vrrp-agent., algorithm: hmac-sha256, secret-file: %s }
                  records:
                    - { name: www, type: A, value: master }
                    - { name: standby, type: A, value: standby }
                  ttl: 60s
                  timeout: 1s
                  retry-for: 5m
        """
        .formatted(host, priority, key);
  }

  NetnsLab.LabProcess agent(int host, int priority, Path key) {
    return lab.agent(host, config(host, priority, key));
  }

  void awaitAnswer(Bind bind, String name, String want) {
    try {
      Awaitility.await(name + " A = " + want)
          .atMost(ACT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> bind.answer(lab.lab, 3, name, "A").equals(want));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + " (it says "
              + bind.answer(lab.lab, 3, name, "A")
              + ")"
              + AgentLab.logs(lab.agents()),
          e);
    }
  }

  static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void theRecordsFollowTheMasterOnFailoverAndAreVerified() {
    Path key = Bind.keygen(lab.lab, "vrrp-agent", "tsig.key");
    Bind bind = Bind.prepare(lab.lab, 3, key).start(lab.lab, 3);
    NetnsLab.LabProcess h1 = agent(1, 200, key);
    lab.awaitLog(h1, "www: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h2 = agent(2, 100, key);
    lab.awaitLog(h1, "BACKUP -> MASTER", ELECTION);
    awaitAnswer(bind, "www.example.org", H1);
    awaitAnswer(bind, "standby.example.org", H2);
    lab.awaitLog(h1, "changed (master h1, standby h2): updated and verified", ACT);
    // Only the master updates (on: [master] by default): the backup sends nothing.
    assertThat(h2.output()).doesNotContain("dns-update");

    lab.kill(h1); // a crash: no priority 0, h2 waits out its master-down timer
    lab.awaitLog(h2, "BACKUP -> MASTER", ELECTION);
    awaitAnswer(bind, "www.example.org", H2);
    awaitAnswer(bind, "standby.example.org", H1);
    lab.awaitLog(h2, "changed (master h2, standby h1): updated and verified", ACT);
    assertThat(h2.output()).doesNotContain("Exception");
  }

  @Test
  void aWrongKeyIsOneClearLineChangesNothingAndLeavesTheEngineAlone() {
    Path key = Bind.keygen(lab.lab, "vrrp-agent", "tsig.key");
    Path wrong = Bind.keygen(lab.lab, "vrrp-agent", "wrong.key"); // same name, other secret
    Bind bind = Bind.prepare(lab.lab, 3, key).start(lab.lab, 3);
    NetnsLab.LabProcess h1 = agent(1, 200, wrong);
    lab.awaitLog(h1, "www: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h2 = agent(2, 100, key);
    lab.awaitLog(h1, "BACKUP -> MASTER", ELECTION);
    lab.awaitLog(h1, "failed (master h1, standby h2)", ACT);
    assertThat(h1.output())
        .contains("refused: NOTAUTH (TSIG BADSIG)")
        .contains("differs from the server's; nothing changed");
    assertThat(bind.answer(lab.lab, 3, "www.example.org", "A")).isEqualTo("198.18.0.99");
    assertThat(bind.answer(lab.lab, 3, "standby.example.org", "A")).isEqualTo("198.18.0.98");
    // The engine is unaffected: h1 stays master, h2 backup, for a while.
    Awaitility.await("h1 stays master")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> !h2.output().contains("BACKUP -> MASTER") && !h1.output().contains("MASTER -> "));
    assertThat(count(h1.output(), "refused: NOTAUTH")).as(h1.output()).isEqualTo(1);
  }

  @Test
  void aServerThatIsDownIsRetriedWhileMasterAndTheAdvertsGoOn() {
    Path key = Bind.keygen(lab.lab, "vrrp-agent", "tsig.key");
    Bind bind = Bind.prepare(lab.lab, 3, key); // not started yet
    NetnsLab.LabProcess h1 = agent(1, 200, key);
    lab.awaitLog(h1, "www: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h2 = agent(2, 100, key);
    lab.awaitLog(h1, "BACKUP -> MASTER", ELECTION);
    lab.awaitLog(h1, "not answered", ACT);
    lab.awaitLog(h1, "retrying", ACT);
    Awaitility.await("h1 stays master while the server is down")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> !h2.output().contains("BACKUP -> MASTER") && !h1.output().contains("MASTER -> "));
    bind.start(lab.lab, 3);
    awaitAnswer(bind, "www.example.org", H1);
    awaitAnswer(bind, "standby.example.org", H2);
    lab.awaitLog(h1, "changed (master h1, standby h2): updated and verified", ACT);
  }
}
