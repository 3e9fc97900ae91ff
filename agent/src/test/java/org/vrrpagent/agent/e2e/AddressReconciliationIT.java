package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;
import static org.vrrpagent.agent.e2e.LabConfigs.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * A master keeps its addresses and notices a duplicate: real daemon in the netns lab, the address
 * deleted by hand with {@code ip addr del}, and a second host that has the same address configured
 * (it answers ARP for it).
 */
class AddressReconciliationIT {
  static final Duration ELECTION = Duration.ofSeconds(15);

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(2);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  private NetnsLab.LabProcess master(Path events) {
    return master(events, VIP4 + "/24");
  }

  private NetnsLab.LabProcess master(Path events, String address) {
    NetnsLab.LabProcess p =
        lab.agent(
            1, agent("h1", 51, 100, address, "") + "notify:\n  events:\n    log: " + events + "\n");
    lab.awaitAddress(1, address.substring(0, address.indexOf('/')), System.nanoTime(), ELECTION, p);
    return p;
  }

  private String metrics() {
    return lab.lab.execChecked(
        1,
        "bash",
        "-c",
        "exec 3<>/dev/tcp/127.0.0.1/9740; printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3");
  }

  @Test
  @DisplayName(
      "ip addr del of the VIP on the master: added again at once (address event), logged, counted and told as an event")
  void anAddressRemovedByHandIsAddedAgain() throws Exception {
    Path events = lab.lab.workDir().resolve("events.jsonl");
    NetnsLab.LabProcess p = master(events);
    lab.lab.execChecked(1, "ip", "addr", "del", VIP4 + "/24", "dev", "eth0");
    long t0 = System.nanoTime();
    // The kernel's address event triggers the re-add (milliseconds); the safety-net look comes
    // only every 15 s.
    lab.awaitAddress(1, VIP4, t0, Duration.ofSeconds(5), p);
    lab.awaitLog(
        p,
        "dns0: " + VIP4 + "/24 was removed from eth0 by something else while MASTER: added again",
        Duration.ofSeconds(5));
    assertThat(metrics()).contains("vrrp_address_readded_total{instance=\"dns0\"} 1.0");
    Awaitility.await("readded event")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(AgentLab.POLL)
        .until(
            () ->
                Files.exists(events) && Files.readString(events).contains("\"kind\":\"readded\""));
    assertThat(p.output()).doesNotContain("MASTER -> BACKUP");
    assertThat(lab.terminate(p)).isZero();
    assertThat(lab.hasAddress(1, VIP4)).as("no re-add after the release").isFalse();
  }

  @Test
  @DisplayName(
      "another host answers ARP for our VIP: the duplicate-address alarm is raised once, and cleared when it stops")
  void aDuplicateOnTheLinkRaisesTheAlarm() throws Exception {
    Path events = lab.lab.workDir().resolve("events.jsonl");
    NetnsLab.LabProcess p = master(events);
    lab.lab.execChecked(2, "ip", "addr", "add", VIP4 + "/24", "dev", "eth0");
    lab.awaitLog(
        p,
        "dns0: duplicate address: " + VIP4 + " on eth0 is also answered for by " + lab.lab.mac(2),
        Duration.ofSeconds(20));
    assertThat(metrics())
        .contains("vrrp_address_duplicate{instance=\"dns0\"} 1.0")
        .contains("vrrp_address_duplicates_total{instance=\"dns0\"} 1.0");
    String launcher = AgentLab.repoRoot().resolve("bin/vrrp-agent").toString();
    String status = lab.lab.execChecked(1, launcher, "status");
    assertThat(status)
        .contains("MASTER (conflict)")
        .contains("dns0: DUPLICATE ADDRESS " + VIP4 + ": answered for by " + lab.lab.mac(2));
    Awaitility.await("duplicate event")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(AgentLab.POLL)
        .until(
            () ->
                Files.exists(events)
                    && Files.readString(events).contains("\"kind\":\"duplicate\""));
    lab.lab.execChecked(2, "ip", "addr", "del", VIP4 + "/24", "dev", "eth0");
    lab.awaitLog(
        p, "dns0: duplicate-address alarm for " + VIP4 + " cleared", Duration.ofSeconds(40));
    assertThat(metrics()).contains("vrrp_address_duplicate{instance=\"dns0\"} 0.0");
    assertThat(p.output().split("duplicate address: ", -1))
        .as("one warning per episode")
        .hasSize(2);
    assertThat(lab.hasAddress(1, VIP4)).isTrue();
  }

  @Test
  @DisplayName(
      "another host answers Neighbor Solicitations for our IPv6 VIP: the duplicate-address alarm is raised")
  void anIpv6DuplicateRaisesTheAlarm() {
    Path events = lab.lab.workDir().resolve("events6.jsonl");
    NetnsLab.LabProcess p = master(events, LabConfigs.VIP6 + "/64");
    lab.lab.execChecked(2, "ip", "addr", "add", LabConfigs.VIP6 + "/64", "dev", "eth0", "nodad");
    lab.awaitLog(
        p,
        "dns0: duplicate address: "
            + LabConfigs.VIP6
            + " on eth0 is also answered for by "
            + lab.lab.mac(2),
        Duration.ofSeconds(20));
    assertThat(metrics()).contains("vrrp_address_duplicate{instance=\"dns0\"} 1.0");
  }
}
