package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP6;
import static org.vrrpagent.agent.e2e.LabConfigs.agent;
import static org.vrrpagent.agent.e2e.LabConfigs.masterDownMillis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * {@code virtual-mac: true} with real daemons: the virtual address lives on the macvlan {@code
 * vrrp.51} with MAC 00:00:5e:00:01:33 ({@code vrrp6.51}, 00:00:5e:00:02:33 for IPv6), and a
 * client's neighbour entry keeps that MAC across a failover.
 */
class VirtualMacIT {
  private static final Duration ELECTION = FailoverIT.ELECTION;

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(3);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  private boolean hasAddress(int host, String dev, String address) {
    var r = lab.lab.exec(host, "ip", "-o", "addr", "show", "dev", dev);
    return r.succeeded() && r.stdout().contains(" " + address + "/");
  }

  private String linkMac(int host, String dev) {
    String out = lab.lab.execChecked(host, "ip", "-o", "link", "show", "dev", dev);
    String[] f = out.strip().split("\\s+");
    for (int i = 0; i + 1 < f.length; i++) {
      if (f[i].equals("link/ether")) {
        return f[i + 1];
      }
    }
    return "";
  }

  private void awaitOn(int host, String vip, String link, NetnsLab.LabProcess... logs) {
    try {
      Awaitility.await(vip + " on " + link + " of host " + host)
          .atMost(ELECTION)
          .pollInterval(AgentLab.POLL)
          .until(() -> hasAddress(host, link, vip));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + AgentLab.logs(logs), e);
    }
  }

  /** The source MAC of the next VRRP advert the client sees (RFC 9568 §7.2: the virtual MAC). */
  private String advertSourceMac(String vip) {
    var r =
        lab.lab.exec(
            3,
            "timeout",
            "5",
            "tcpdump",
            "-i",
            "eth0",
            "-e",
            "-n",
            "-c",
            "1",
            vip.contains(":") ? "ip6 proto 112" : "ip proto 112");
    String[] f = r.stdout().strip().split("\\s+");
    // "12:00:00.000000 00:00:5e:00:01:33 > 01:00:5e:00:00:12, ethertype IPv4 …"
    assertThat(f.length).as("tcpdump saw an advert: " + r.stdout() + r.stderr()).isGreaterThan(3);
    return f[1];
  }

  @Test
  @DisplayName(
      "IPv4 virtual MAC: the master holds the VIP on vrrp.51, the client learns 00:00:5e:00:01:33, and keeps it across a failover")
  void ipv4ClientKeepsTheVirtualMacAcrossFailover() {
    failoverKeepsTheVirtualMac(VIP4, 24, "vrrp.51", "00:00:5e:00:01:33", true);
  }

  @Test
  @DisplayName(
      "IPv6 virtual MAC: the VIP on vrrp6.51 answers with 00:00:5e:00:02:33 before and after a failover")
  void ipv6ClientKeepsTheVirtualMacAcrossFailover() {
    // IPv6 adverts leave from the real interface: they need its link-local source address.
    failoverKeepsTheVirtualMac(VIP6, 64, "vrrp6.51", "00:00:5e:00:02:33", false);
  }

  private void failoverKeepsTheVirtualMac(
      String vip, int prefix, String link, String vmac, boolean advertsFromVmac) {
    String extra = "virtual-mac: true";
    NetnsLab.LabProcess h2 = lab.agent(2, agent("h2", 51, 200, vip + "/" + prefix, extra));
    lab.awaitLog(h2, "dns0: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h1 = lab.agent(1, agent("h1", 51, 100, vip + "/" + prefix, extra));
    awaitOn(2, vip, link, h1, h2);
    lab.awaitLog(h1, "dns0: INIT -> BACKUP", ELECTION);

    // Both hosts have the macvlan with the virtual MAC; only the master has the address, on it.
    for (int host = 1; host <= 2; host++) {
      assertThat(linkMac(host, link)).as("MAC of " + link + " on host " + host).isEqualTo(vmac);
      assertThat(hasAddress(host, "eth0", vip)).as("VIP on eth0 of host " + host).isFalse();
    }
    assertThat(hasAddress(1, link, vip)).as("VIP on the backup").isFalse();
    assertThat(lab.lab.execChecked(1, "ip", "-o", "addr", "show", "dev", link))
        .as("no address on the backup's " + link)
        .isBlank();
    String parentMac = lab.lab.mac(2);
    assertThat(advertSourceMac(vip))
        .as("source MAC of h2's adverts")
        .isEqualTo(advertsFromVmac ? vmac : parentMac);

    // The backup hears the master's adverts (from the same virtual MAC as its own macvlan) and
    // stays backup.
    Awaitility.await("h1 stays backup")
        .during(Duration.ofMillis(masterDownMillis(100) + 500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !hasAddress(1, link, vip));
    assertThat(h1.output()).as(AgentLab.logs(h1)).doesNotContain("-> MASTER");

    lab.touch(3, vip);
    Awaitility.await("client's neighbour entry for the VIP")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(AgentLab.POLL)
        .until(() -> lab.neighbourMac(3, vip).equals(vmac));

    // Watch the client's entry from here on: it must never name anything but the virtual MAC.
    List<String> seen = new ArrayList<>();
    long t0 = System.nanoTime();
    lab.kill(h2);
    try {
      Awaitility.await(vip + " on " + link + " of host 1")
          .atMost(Duration.ofMillis(masterDownMillis(100)).plus(FailoverIT.MARGIN))
          .pollInterval(AgentLab.POLL)
          .until(
              () -> {
                String mac = lab.neighbourMac(3, vip);
                if (!mac.isEmpty()) {
                  seen.add(mac);
                }
                return hasAddress(1, link, vip);
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(e.getMessage() + AgentLab.logs(h1), e);
    }
    long took = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("MEASURED crash failover with virtual MAC (%s): %d ms%n", vip, took);
    assertThat(took)
        .as("failover after the master's last advert, not before")
        .isGreaterThanOrEqualTo(2000);
    assertThat(h1.output())
        .contains("dns0: BACKUP -> MASTER (master down timer expired, prio 100)");

    // The client talks to the new master with the MAC it already had; its entry never changes.
    lab.touch(3, vip);
    Awaitility.await("client reaches the new master")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              seen.add(lab.neighbourMac(3, vip));
              return lab.neighbourMac(3, vip).equals(vmac);
            });
    assertThat(seen)
        .as("the client's neighbour entry for the VIP over the failover")
        .containsOnly(vmac);
    // A TCP connect to a closed port is refused by the new master: the frames to the virtual MAC
    // reach h1.
    var connect = lab.lab.exec(3, "timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + vip + "/9");
    assertThat(connect.stderr()).as("TCP to the VIP after failover").contains("Connection refused");
    assertThat(advertSourceMac(vip))
        .as("source MAC of h1's adverts")
        .isEqualTo(advertsFromVmac ? vmac : lab.lab.mac(1));

    // A clean stop removes the macvlan.
    assertThat(lab.terminate(h1)).isZero();
    assertThat(lab.lab.exec(1, "ip", "link", "show", "dev", link).succeeded())
        .as(link + " left on host 1")
        .isFalse();
  }
}
