package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * Our raw-socket transport between real namespaced hosts on a real bridge. Host 1 is 198.18.0.11,
 * the address keepalived's captured adverts came from, so their bytes are valid VRRP from host 1.
 */
class LinuxTransportLabTest {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * keepalived's VRRPv3 advert for VRID 51, prio 100, 1 s, 198.18.0.100 + .101, sent from
   * 198.18.0.11.
   */
  private static final byte[] V3_IPV4 = HEX.parseHex("31336402006436c7c6120064c6120065");

  /** keepalived's VRRPv3 IPv6 advert for VRID 53, prio 120, 0.5 s, fd00:198:18::100. */
  private static final byte[] V3_IPV6 =
      HEX.parseHex("313578010032ff27fd000198001800000000000000000100");

  private static final InetAddress GROUP_V4 = InetAddress.ofLiteral("224.0.0.18");
  private static final InetAddress GROUP_V6 = InetAddress.ofLiteral("ff02::12");
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static NetnsLab lab;
  private final List<AutoCloseable> opened = new ArrayList<>();

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

  @AfterEach
  void closeTransports() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
  }

  private RawSocketTransport open(
      int host, RawSocketTransport.Options options, BlockingQueue<InboundPacket> inbox) {
    RawSocketTransport t =
        lab.inNamespace(host, () -> RawSocketTransport.open(options, inbox::add));
    opened.add(t);
    return t;
  }

  private static InboundPacket next(BlockingQueue<InboundPacket> inbox)
      throws InterruptedException {
    InboundPacket p = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(p).as("a packet within %s", WAIT).isNotNull();
    return p;
  }

  @Test
  void ipv4MulticastAdvertArrivesWithTtl255FromThePrimaryAddressAndIsNotLoopedBack()
      throws Exception {
    BlockingQueue<InboundPacket> inbox1 = new LinkedBlockingQueue<>();
    BlockingQueue<InboundPacket> inbox2 = new LinkedBlockingQueue<>();
    RawSocketTransport t1 =
        open(1, RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4), inbox1);
    RawSocketTransport t2 =
        open(2, RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4), inbox2);
    assertThat(t1.sourceAddress()).isEqualTo(lab.ipv4(1));

    t1.send(V3_IPV4, GROUP_V4);
    InboundPacket got = next(inbox2);
    assertThat(got.vrrpMessage()).isEqualTo(V3_IPV4);
    assertThat(got.source()).isEqualTo(lab.ipv4(1));
    assertThat(got.destination()).isEqualTo(GROUP_V4);
    assertThat(got.ttlOrHopLimit()).isEqualTo(255);

    // Host 2 answers; by the time host 1 has that answer, a looped-back copy of its own advert
    // (queued during its send, before the answer existed) would be in its inbox first.
    t2.send(V3_IPV4, GROUP_V4);
    InboundPacket reply = next(inbox1);
    assertThat(reply.source()).as("host 1 hears host 2, not itself").isEqualTo(lab.ipv4(2));
    assertThat(inbox1).isEmpty();
  }

  @Test
  void ipv6MulticastAdvertArrivesWithHopLimit255FromTheLinkLocalAddress() throws Exception {
    BlockingQueue<InboundPacket> inbox1 = new LinkedBlockingQueue<>();
    BlockingQueue<InboundPacket> inbox2 = new LinkedBlockingQueue<>();
    RawSocketTransport t1 =
        open(1, RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV6), inbox1);
    RawSocketTransport t2 =
        open(2, RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV6), inbox2);
    assertThat(t1.sourceAddress().isLinkLocalAddress()).isTrue();

    t1.send(V3_IPV6, GROUP_V6);
    InboundPacket got = next(inbox2);
    assertThat(got.vrrpMessage()).isEqualTo(V3_IPV6);
    assertThat(got.source().getAddress()).isEqualTo(t1.sourceAddress().getAddress());
    assertThat(((Inet6Address) got.source()).getScopeId())
        .as("scope = host 2's eth0")
        .isEqualTo(t2.interfaceIndex());
    assertThat(got.destination()).isEqualTo(GROUP_V6);
    assertThat(got.ttlOrHopLimit()).isEqualTo(255);

    t2.send(V3_IPV6, GROUP_V6);
    InboundPacket reply = next(inbox1);
    assertThat(reply.source().getAddress())
        .as("host 1 hears host 2, not itself")
        .isEqualTo(t2.sourceAddress().getAddress());
    assertThat(inbox1).isEmpty();
  }

  @Test
  void ipv4UnicastAcceptsOnlyConfiguredPeers() throws Exception {
    BlockingQueue<InboundPacket> inbox2 = new LinkedBlockingQueue<>();
    RawSocketTransport t1 =
        open(
            1,
            new RawSocketTransport.Options("eth0", AddressFamily.IPV4, null, List.of(lab.ipv4(2))),
            new LinkedBlockingQueue<>());
    RawSocketTransport t2 =
        open(
            2,
            new RawSocketTransport.Options("eth0", AddressFamily.IPV4, null, List.of(lab.ipv4(1))),
            inbox2);
    RawSocketTransport t3 =
        open(
            3,
            new RawSocketTransport.Options("eth0", AddressFamily.IPV4, null, List.of(lab.ipv4(2))),
            new LinkedBlockingQueue<>());

    t3.send(V3_IPV4, lab.ipv4(2)); // not a peer of host 2
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> t2.drops().count(TransportDrops.Reason.UNKNOWN_PEER) == 1);

    t1.send(V3_IPV4, lab.ipv4(2));
    InboundPacket got = next(inbox2);
    assertThat(got.source()).isEqualTo(lab.ipv4(1));
    assertThat(got.destination()).isEqualTo(lab.ipv4(2));
    assertThat(got.ttlOrHopLimit()).isEqualTo(255);
    assertThat(got.vrrpMessage()).isEqualTo(V3_IPV4);
    assertThat(inbox2).as("host 3's packet was dropped, not delivered").isEmpty();
  }

  @Test
  void ipv6UnicastWithAConfiguredGlobalSource() throws Exception {
    BlockingQueue<InboundPacket> inbox2 = new LinkedBlockingQueue<>();
    RawSocketTransport t1 =
        open(
            1,
            new RawSocketTransport.Options(
                "eth0", AddressFamily.IPV6, lab.ipv6(1), List.of(lab.ipv6(2))),
            new LinkedBlockingQueue<>());
    open(
        2,
        new RawSocketTransport.Options("eth0", AddressFamily.IPV6, null, List.of(lab.ipv6(1))),
        inbox2);

    t1.send(V3_IPV6, lab.ipv6(2));
    InboundPacket got = next(inbox2);
    assertThat(got.source()).isEqualTo(lab.ipv6(1));
    assertThat(got.destination()).isEqualTo(lab.ipv6(2));
    assertThat(got.ttlOrHopLimit()).isEqualTo(255);
  }

  @Test
  void interfaceFactsComeFromTheThreadsNamespace() {
    InterfaceFacts facts = lab.inNamespace(2, () -> InterfaceFacts.read("eth0"));
    assertThat(facts.index()).isPositive();
    assertThat(facts.macText()).isEqualTo(lab.mac(2));
    assertThat(facts.up()).isTrue();
    assertThat(facts.primaryIpv4()).contains(lab.ipv4(2));
    assertThat(facts.linkLocalIpv6()).isPresent();
    assertThat(facts.addresses()).extracting(a -> a.address()).contains(lab.ipv6(2));
  }

  @Test
  void aMissingInterfaceIsOneClearLine() {
    assertThatThrownBy(
            () ->
                lab.inNamespace(
                    1,
                    () ->
                        RawSocketTransport.open(
                            RawSocketTransport.Options.multicast("eth9", AddressFamily.IPV4),
                            p -> {})))
        .isInstanceOf(TransportException.class)
        .hasMessage("eth9: no such network interface (check the name with `ip link`)");
  }

  @Test
  void closeStopsTheReceiveThreadAndLaterSendsFailClearly() {
    RawSocketTransport t =
        lab.inNamespace(
            1,
            () ->
                RawSocketTransport.open(
                    RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4), p -> {}));
    t.close();
    assertThat(t.receiverThread().isAlive()).as("receive thread after close").isFalse();
    assertThatThrownBy(() -> t.send(V3_IPV4, GROUP_V4))
        .isInstanceOf(TransportException.class)
        .hasMessage("eth0: VRRP transport is closed");
    t.close(); // twice is fine
  }

  @Test
  void aConsumerThatThrowsCostsThatPacketOnlyAndIsCounted() throws Exception {
    BlockingQueue<InboundPacket> inbox2 = new LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicBoolean first =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    RawSocketTransport t1 =
        open(
            1,
            RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
            new LinkedBlockingQueue<>());
    RawSocketTransport t2 =
        lab.inNamespace(
            2,
            () ->
                RawSocketTransport.open(
                    RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
                    p -> {
                      if (first.getAndSet(false)) {
                        throw new IllegalStateException("consumer bug");
                      }
                      inbox2.add(p);
                    }));
    opened.add(t2);
    t1.send(V3_IPV4, GROUP_V4);
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> t2.drops().count(TransportDrops.Reason.CONSUMER_FAILED) == 1);
    t1.send(V3_IPV4, GROUP_V4);
    assertThat(next(inbox2).source()).isEqualTo(lab.ipv4(1));
  }

  @Test
  void anInterfaceThatDisappearsFailsSendsClearlyAndCloseStillWorks() {
    lab.execChecked(3, "ip", "link", "add", "vx0", "type", "veth", "peer", "name", "vx1");
    lab.execChecked(3, "ip", "addr", "add", "198.18.1.1/24", "dev", "vx0");
    lab.execChecked(3, "ip", "link", "set", "vx0", "up");
    lab.execChecked(3, "ip", "link", "set", "vx1", "up");
    RawSocketTransport t =
        lab.inNamespace(
            3,
            () ->
                RawSocketTransport.open(
                    RawSocketTransport.Options.multicast("vx0", AddressFamily.IPV4), p -> {}));
    try {
      t.send(V3_IPV4, GROUP_V4); // works while the interface exists
      lab.execChecked(3, "ip", "link", "del", "vx0");
      assertThatThrownBy(() -> t.send(V3_IPV4, GROUP_V4))
          .isInstanceOf(TransportException.class)
          .hasMessage(
              "vx0: cannot send VRRP to 224.0.0.18: No such device (no such interface; check the name with `ip link`)");
    } finally {
      t.close();
    }
    assertThat(t.receiverThread().isAlive()).isFalse();
  }

  @Test
  void aUnicastSocketDoesNotSeeTheGroupThatAnotherSocketOnTheHostJoined() throws Exception {
    BlockingQueue<InboundPacket> multicastInbox = new LinkedBlockingQueue<>();
    BlockingQueue<InboundPacket> unicastInbox = new LinkedBlockingQueue<>();
    RawSocketTransport sender =
        open(
            1,
            RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
            new LinkedBlockingQueue<>());
    open(
        2,
        RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
        multicastInbox); // joins 224.0.0.18 on host 2
    RawSocketTransport unicast =
        open(
            2,
            new RawSocketTransport.Options("eth0", AddressFamily.IPV4, null, List.of(lab.ipv4(1))),
            unicastInbox);

    sender.send(V3_IPV4, GROUP_V4);
    assertThat(next(multicastInbox).destination()).isEqualTo(GROUP_V4);
    // A unicast packet from the same peer queues behind any group packet the unicast socket got.
    sender.send(V3_IPV4, lab.ipv4(2));
    assertThat(next(unicastInbox).destination()).isEqualTo(lab.ipv4(2));
    assertThat(unicastInbox).isEmpty();
    assertThat(unicast.drops().snapshot().values()).allMatch(n -> n == 0);
  }
}
