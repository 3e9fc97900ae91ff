package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Virtual addresses on real interfaces, and a third host's neighbour table following our gratuitous
 * ARP / unsolicited NA: the failover a client sees. Hosts 1 and 2 are the routers, host 3 the
 * client.
 */
class NeighborAndAddressLabTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static NetnsLab lab;

  @BeforeAll
  static void buildLab() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    lab = NetnsLab.create(3);
  }

  @AfterAll
  static void tearDownLab() {
    if (lab != null) {
      lab.close();
    }
  }

  private static IpAddressTable table(int host) {
    return new IpAddressTable(new CommandRunner(), lab.ipCommand(host));
  }

  /** The MAC host 3 (the client) has for {@code address}, or "" if none. */
  private static String clientNeighbour(InetAddress address) {
    String out =
        lab.exec(3, "ip", "neigh", "show", address.getHostAddress(), "dev", "eth0").stdout();
    int at = out.indexOf("lladdr ");
    return at < 0 ? "" : out.substring(at + 7).split("\\s+")[0];
  }

  /** The client sends one UDP datagram to {@code address}: the kernel resolves its MAC first. */
  private static void clientTalksTo(InetAddress address) {
    lab.inNamespaceRun(
        3,
        () -> {
          try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(address, 9)));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private void failoverMovesTheClientsNeighbourEntry(InterfaceAddress vip) {
    table(1).add("eth0", vip);
    clientTalksTo(vip.address());
    Awaitility.await("client resolves " + vip + " to host 1")
        .atMost(WAIT)
        .until(() -> clientNeighbour(vip.address()).equals(lab.mac(1)));

    // Failover: host 1 drops the address, host 2 takes it and announces it.
    table(1).remove("eth0", vip);
    table(2).add("eth0", vip);
    try (PacketSocketAnnouncer announcer = lab.inNamespace(2, PacketSocketAnnouncer::open)) {
      announcer.announce("eth0", List.of(vip.address()));
    }
    // Without the announcement the entry would stay on host 1's MAC (REACHABLE, no traffic).
    Awaitility.await("client's entry for " + vip + " moves to host 2")
        .atMost(WAIT)
        .until(() -> clientNeighbour(vip.address()).equals(lab.mac(2)));
    table(2).remove("eth0", vip);
  }

  @Test
  void gratuitousArpMovesTheClientsArpEntry() {
    failoverMovesTheClientsNeighbourEntry(InterfaceAddress.parse("198.18.0.100/24"));
  }

  @Test
  void unsolicitedNeighborAdvertisementMovesTheClientsNeighbourEntry() {
    failoverMovesTheClientsNeighbourEntry(InterfaceAddress.parse("fd00:198:18::100/64"));
  }

  @Test
  void addListRemoveBothFamiliesIdempotently() {
    IpAddressTable t = table(1);
    InterfaceAddress v4 = InterfaceAddress.parse("198.18.0.101/24");
    InterfaceAddress v6 = InterfaceAddress.parse("fd00:198:18::101/64");
    t.add("eth0", v4);
    t.add("eth0", v4); // already there: not an error
    t.add("eth0", v6);
    assertThat(t.list("eth0"))
        .contains(InterfaceAddress.parse(lab.ipv4(1).getHostAddress() + "/24"), v4, v6);
    assertThat(lab.execChecked(1, "ip", "-6", "addr", "show", "dev", "eth0"))
        .as("IPv6 virtual address usable at once (nodad)")
        .contains("fd00:198:18::101/64")
        .doesNotContain("tentative");

    t.remove("eth0", v4);
    t.remove("eth0", v4); // already gone: not an error
    t.remove("eth0", v6);
    assertThat(t.list("eth0"))
        .doesNotContain(v4, v6)
        .contains(InterfaceAddress.parse(lab.ipv4(1).getHostAddress() + "/24"));
  }

  @Test
  void leftoversFromACrashAreRemovedAndNothingElse() {
    IpAddressTable t = table(2);
    InterfaceAddress v4 = InterfaceAddress.parse("198.18.0.102/24");
    InterfaceAddress notThere = InterfaceAddress.parse("198.18.0.103/24");
    t.add("eth0", v4);
    List<InterfaceAddress> removed = t.removeLeftovers("eth0", List.of(v4, notThere));
    assertThat(removed).containsExactly(v4);
    assertThat(t.list("eth0"))
        .doesNotContain(v4)
        .contains(InterfaceAddress.parse(lab.ipv4(2).getHostAddress() + "/24"));
  }

  @Test
  void plainIpFromInsideTheNamespaceSeesThatNamespace() {
    List<InterfaceAddress> seen = lab.inNamespace(3, () -> new IpAddressTable().list("eth0"));
    assertThat(seen).contains(InterfaceAddress.parse(lab.ipv4(3).getHostAddress() + "/24"));
  }

  @Test
  void aMissingInterfaceIsOneClearLine() {
    assertThatThrownBy(() -> table(1).add("eth9", InterfaceAddress.parse("198.18.0.104/24")))
        .isInstanceOf(TransportException.class)
        .hasMessageStartingWith(
            "eth9: cannot add 198.18.0.104/24: `ip -n "
                + lab.namespace(1)
                + " addr add 198.18.0.104/24 dev eth9` exited")
        .hasMessageEndingWith("(no such interface; check the name with `ip link`)");
    assertThatThrownBy(() -> table(1).list("eth9"))
        .isInstanceOf(TransportException.class)
        .hasMessageContaining("Device \"eth9\" does not exist");
    assertThatThrownBy(
            () ->
                lab.inNamespaceRun(
                    1,
                    () -> {
                      try (PacketSocketAnnouncer a = PacketSocketAnnouncer.open()) {
                        a.announce("eth9", List.of(InetAddress.ofLiteral("198.18.0.104")));
                      }
                    }))
        .isInstanceOf(TransportException.class)
        .hasMessage(
            "eth9: cannot find the interface: No such device (no such interface; check the name with `ip link`)");
  }
}
