package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * The product's heart, end to end: two resolvers, each with a real unbound on its own loopback,
 * each running vrrp-agent with a DNS check of its local resolver. Stopping the master's unbound
 * moves the service address to the backup within the bound the issue sets; starting it again brings
 * it back (preempt).
 */
class DnsFailoverIT {
  static final Duration MARGIN = FailoverIT.MARGIN;
  static final Duration ELECTION = FailoverIT.ELECTION;

  /** Check timing: interval 1 s, timeout 1 s, fall 2, rise 2. */
  static final long INTERVAL_MS = 1000;

  static final long TIMEOUT_MS = 1000;
  static final int FALL = 2;

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(2);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  NetnsLab.LabProcess unbound(int host) {
    return Unbound.start(lab.lab, host, "resolver on h" + host);
  }

  static String agent(String node, int priority, boolean fastPreempt) {
    return """
        node: %s
        checks:
          named_ok:
            dns: { server: 127.0.0.1, name: example.org, type: TXT, answer-contains: "resolver on" }
            interval: 1s
            timeout: 1s
            rise: 2
            fall: 2
        instances:
          dns0:
            interface: eth0
            vrid: 51
            priority: %d
            advert-interval: 1s
            fast-preempt: %s
            addresses: [198.18.0.100/24]
            garp: { delay: 1s, repeat: 2 }
            track:
              - { check: named_ok, weight: -150 }
        """
        .formatted(node, priority, fastPreempt);
  }

  @ParameterizedTest(name = "fast-preempt: {0}")
  @ValueSource(booleans = {false, true})
  void stoppingTheMastersResolverMovesTheAddress_andStartingItBringsItBack(boolean fastPreempt) {
    NetnsLab.LabProcess unbound1 = unbound(1);
    unbound(2);
    NetnsLab.LabProcess h1 = lab.agent(1, agent("h1", 200, fastPreempt));
    lab.awaitLog(h1, "dns0: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h2 = lab.agent(2, agent("h2", 100, fastPreempt));
    // h1 starts with its check down (initial: down): priority 50 until the check rises.
    lab.awaitLog(h1, "priority 50 -> 200", ELECTION);
    lab.awaitAddress(1, VIP4, System.nanoTime(), ELECTION, h1, h2);
    org.awaitility.Awaitility.await("h1 holds the VIP alone")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP4) == 1);

    long t0 = System.nanoTime();
    lab.kill(unbound1);
    // h2 priority 100 as backup; RFC mode waits its Master_Down_Interval after h1's last
    // priority-200 advert,
    // fast preempt takes over on h1's first priority-50 advert (sent at once when the check fails).
    long bound =
        FALL * INTERVAL_MS + TIMEOUT_MS + (fastPreempt ? 1000 : LabConfigs.masterDownMillis(100));
    long took = lab.awaitAddress(2, VIP4, t0, Duration.ofMillis(bound).plus(MARGIN), h1, h2);
    System.out.printf(
        "MEASURED resolver failure -> VIP on backup (fast-preempt %s): %d ms (bound %d ms)%n",
        fastPreempt, took, bound);
    lab.awaitNoAddress(1, VIP4, Duration.ofSeconds(2), h1);
    assertThat(h1.output()).contains("priority 200 -> 50 (check named_ok failed: DNS 127.0.0.1");

    unbound(1);
    lab.awaitAddress(1, VIP4, System.nanoTime(), Duration.ofSeconds(15), h1, h2);
    lab.awaitNoAddress(2, VIP4, Duration.ofSeconds(3), h2);
  }
}
