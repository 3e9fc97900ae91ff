package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.engine.AnnounceSchedule;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.RecordingListener;
import org.vrrpagent.core.engine.RouterBinding;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.RecordingNeighborAnnouncer;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.InternetChecksum;

/**
 * Issue 10 fault 8, with real sockets: host 2 runs a VRRPv3 master (the production engine and
 * raw-socket transports, IPv4 and IPv6); host 1 sends forged adverts with priority 250 that each
 * took mastership before — from 0.0.0.0, from an off-subnet source, to host 2's unicast address,
 * over IPv6 from a non-link-local source, and with interval 40.95 s. Each is dropped with its own
 * reason, counted once per packet, never counted as received, and the master stays master. Then the
 * same advert from host 1's real address does make it step down: the test can fail.
 */
class ReceiveHardeningLabTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final InetAddress GROUP_V4 = InetAddress.ofLiteral("224.0.0.18");
  private static final InetAddress GROUP_V6 = InetAddress.ofLiteral("ff02::12");
  private static final InetAddress VIP4 = InetAddress.ofLiteral("198.18.0.100");
  private static final InetAddress VIP6 = InetAddress.ofLiteral("fd00:198:18::100");
  private static final int ETH_P_IP = 0x0800;

  private NetnsLab lab;
  private Engine engine;
  private RawSocketTransport v4;
  private RawSocketTransport v6;
  private RawSocketTransport spoof6;
  private final RecordingListener heard = new RecordingListener();

  @BeforeEach
  void start() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    lab = NetnsLab.create(2);
    engine =
        new Engine(
            new IpAddressTable(new CommandRunner(), lab.ipCommand(2)),
            new RecordingNeighborAnnouncer(),
            heard);
    v4 =
        lab.inNamespace(
            2,
            () ->
                RawSocketTransport.open(
                    RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
                    p -> engine.receive("v4", p)));
    v6 =
        lab.inNamespace(
            2,
            () ->
                RawSocketTransport.open(
                    RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV6),
                    p -> engine.receive("v6", p)));
    engine.add(
        binding(
            RouterConfig.v3("v4", 51, 100, 100, List.of(VIP4), v4.sourceAddress()),
            "v4",
            v4,
            VIP4,
            24,
            GROUP_V4));
    engine.add(
        binding(
            RouterConfig.v3("v6", 52, 100, 100, List.of(VIP6), v6.sourceAddress()),
            "v6",
            v6,
            VIP6,
            64,
            GROUP_V6));
    engine.start();
    Awaitility.await("both routers MASTER")
        .atMost(WAIT)
        .until(
            () ->
                heard.stateOf.get("v4") == VrrpState.MASTER
                    && heard.stateOf.get("v6") == VrrpState.MASTER);
  }

  private static RouterBinding binding(
      RouterConfig c,
      String key,
      RawSocketTransport t,
      InetAddress vip,
      int prefix,
      InetAddress group) {
    return new RouterBinding(
        c,
        "eth0",
        key,
        t,
        List.of(new InterfaceAddress(vip, prefix)),
        List.of(),
        group,
        ChecksumMode.PSEUDO_HEADER,
        new AnnounceSchedule(Duration.ZERO, 1, Duration.ZERO));
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.shutdown(Duration.ofSeconds(5));
    }
    for (RawSocketTransport t : new RawSocketTransport[] {v4, v6, spoof6}) {
      if (t != null) {
        t.close();
      }
    }
    if (lab != null) {
      lab.close();
    }
  }

  /**
   * A whole Ethernet frame from host 1's eth0 through a packet socket: any IPv4 source, even
   * 0.0.0.0.
   */
  private void sendFrame(InetAddress source, InetAddress destination, byte[] vrrp) {
    byte[] ip = Ipv4Header.encode(vrrp, (Inet4Address) source, (Inet4Address) destination);
    int checksum =
        InternetChecksum.of(ip, 0, Ipv4Header.MIN_BYTES); // a packet socket: nobody fills it in
    ip[10] = (byte) (checksum >>> 8);
    ip[11] = (byte) checksum;
    byte[] dstMac =
        destination.isMulticastAddress()
            ? HexFormat.ofDelimiter(":").parseHex("01:00:5e:00:00:12")
            : HexFormat.ofDelimiter(":").parseHex(lab.mac(2));
    byte[] srcMac = HexFormat.ofDelimiter(":").parseHex(lab.mac(1));
    byte[] frame = new byte[14 + ip.length];
    System.arraycopy(dstMac, 0, frame, 0, 6);
    System.arraycopy(srcMac, 0, frame, 6, 6);
    frame[12] = (byte) (ETH_P_IP >>> 8);
    frame[13] = (byte) ETH_P_IP;
    System.arraycopy(ip, 0, frame, 14, ip.length);
    lab.inNamespaceRun(
        1,
        () -> {
          int ifindex = InterfaceFacts.read("eth0").index();
          try (Arena arena = Arena.ofConfined()) {
            int fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
            try {
              MemorySegment ll = arena.allocate(Libc.SOCKADDR_LL_BYTES);
              ll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
              ll.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) ETH_P_IP);
              ll.set(JAVA_INT, 4, ifindex);
              ll.set(JAVA_BYTE, 11, (byte) 6);
              MemorySegment.copy(dstMac, 0, ll, JAVA_BYTE, 12, 6);
              Libc.sendto(fd, arena.allocateFrom(JAVA_BYTE, frame), 0, ll);
            } finally {
              Libc.closeQuietly(fd);
            }
          } catch (Libc.ErrnoException e) {
            throw new AssertionError("cannot send the forged frame: " + e.getMessage(), e);
          }
        });
  }

  private static byte[] advert4(
      int vrid, int intervalCentis, InetAddress source, InetAddress destination) {
    return AdvertisementCodec.encode(
        Advertisement.v3(vrid, 250, intervalCentis, List.of(VIP4)),
        source,
        destination,
        ChecksumMode.PSEUDO_HEADER);
  }

  private void assertStillMasterAndNothingReceived() {
    assertThat(heard.stateOf)
        .containsEntry("v4", VrrpState.MASTER)
        .containsEntry("v6", VrrpState.MASTER);
    assertThat(heard.received).hasValue(0);
    assertThat(lab.execChecked(2, "ip", "addr", "show", "dev", "eth0"))
        .contains("198.18.0.100/24", "fd00:198:18::100/64");
  }

  @Test
  void eachForgedAdvertIsDroppedWithItsReasonAndChangesNothing() {
    InetAddress h1 = lab.ipv4(1);
    InetAddress offLink = InetAddress.ofLiteral("198.18.200.9"); // not in host 2's 198.18.0.0/24
    InetAddress unspecified = InetAddress.ofLiteral("0.0.0.0");
    for (int i = 0; i < 3; i++) {
      sendFrame(unspecified, GROUP_V4, advert4(51, 100, unspecified, GROUP_V4));
      sendFrame(offLink, GROUP_V4, advert4(51, 100, offLink, GROUP_V4));
      sendFrame(h1, lab.ipv4(2), advert4(51, 100, h1, lab.ipv4(2)));
      sendFrame(h1, GROUP_V4, advert4(51, 4095, h1, GROUP_V4));
    }
    // IPv6 from host 1's global (ULA) address instead of its link-local one.
    spoof6 =
        lab.inNamespace(
            1,
            () ->
                RawSocketTransport.open(
                    new RawSocketTransport.Options(
                        "eth0", AddressFamily.IPV6, lab.ipv6(1), List.of()),
                    p -> {}));
    byte[] m6 =
        AdvertisementCodec.encode(
            Advertisement.v3(52, 250, 100, List.of(VIP6)),
            lab.ipv6(1),
            GROUP_V6,
            ChecksumMode.PSEUDO_HEADER);
    for (int i = 0; i < 3; i++) {
      spoof6.send(m6, GROUP_V6);
    }
    Awaitility.await("every forged advert counted under its reason")
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(heard.dropped(DropReason.UNSPECIFIED_SOURCE))
                  .as("unspecified_source")
                  .isEqualTo(3);
              assertThat(heard.dropped(DropReason.SOURCE_NOT_ON_LINK))
                  .as("source_not_on_link")
                  .isEqualTo(3);
              assertThat(heard.dropped(DropReason.UNICAST_DESTINATION))
                  .as("unicast_destination")
                  .isEqualTo(3);
              assertThat(heard.dropped(DropReason.INTERVAL_TOO_LONG))
                  .as("interval_too_long")
                  .isEqualTo(3);
              assertThat(heard.dropped(DropReason.SOURCE_NOT_LINK_LOCAL))
                  .as("source_not_link_local")
                  .isEqualTo(3);
            });
    // Beyond a master-down interval (3.6 s) later: no state change, nothing accepted, addresses in
    // place.
    Awaitility.await()
        .pollDelay(Duration.ofSeconds(4))
        .atMost(WAIT)
        .untilAsserted(this::assertStillMasterAndNothingReceived);
    // Only the over-long interval came from a real on-link router: that one is a conflict, once.
    assertThat(heard.conflicts).hasSize(1);

    // The control: the same priority-250 advert, sent properly from host 1, is accepted.
    sendFrame(h1, GROUP_V4, advert4(51, 100, h1, GROUP_V4));
    Awaitility.await("a proper advert makes the IPv4 master step down")
        .atMost(WAIT)
        .until(() -> heard.stateOf.get("v4") == VrrpState.BACKUP && heard.received.get() == 1);
  }
}
