package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.neighbor.GratuitousArp;
import org.vrrpagent.core.neighbor.UnsolicitedNeighborAdvertisement;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * What actually goes on the wire, captured by tcpdump in a third host: our GARP and NA are exactly
 * the frames the builders make (which match keepalived's), and our VRRP packets carry keepalived's
 * IP header fields (TOS/traffic class 0xC0, TTL/hop limit 255, no DF).
 */
class WireCaptureLabTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final byte[] V3_IPV4 = HEX.parseHex("31336402006436c7c6120064c6120065");
  private static final byte[] V3_IPV6 =
      HEX.parseHex("313578010032ff27fd000198001800000000000000000100");

  @Test
  void ourFramesOnTheWire() throws Exception {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    try (NetnsLab lab = NetnsLab.create(3)) {
      Path pcap = lab.workDir().resolve("capture.pcap");
      NetnsLab.LabProcess tcpdump =
          lab.start(
              3,
              "tcpdump",
              "-i",
              "eth0",
              "-n",
              "-U",
              "-c",
              "4",
              "-w",
              pcap.toString(),
              "arp or (icmp6 and ip6[40] == 136) or ip proto 112 or ip6 proto 112");
      Awaitility.await("tcpdump listening")
          .atMost(WAIT)
          .until(() -> tcpdump.output().contains("listening on"));

      Inet4Address vip4 = (Inet4Address) InetAddress.ofLiteral("198.18.0.100");
      Inet6Address vip6 = (Inet6Address) InetAddress.ofLiteral("fd00:198:18::100");
      InetAddress linkLocal2;
      try (PacketSocketAnnouncer announcer = lab.inNamespace(2, PacketSocketAnnouncer::open);
          RawSocketTransport v4 =
              lab.inNamespace(
                  2,
                  () ->
                      RawSocketTransport.open(
                          RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
                          p -> {}));
          RawSocketTransport v6 =
              lab.inNamespace(
                  2,
                  () ->
                      RawSocketTransport.open(
                          RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV6),
                          p -> {}))) {
        linkLocal2 = v6.sourceAddress();
        announcer.announce("eth0", List.of(vip4, vip6));
        v4.send(V3_IPV4, InetAddress.ofLiteral("224.0.0.18"));
        v6.send(V3_IPV6, InetAddress.ofLiteral("ff02::12"));
      }
      Awaitility.await("tcpdump saw 4 packets")
          .atMost(WAIT)
          .until(() -> !tcpdump.process().isAlive());
      List<byte[]> frames = readPcap(pcap);
      assertThat(frames).as(tcpdump.output()).hasSize(4);

      byte[] mac = HEX.parseHex(lab.mac(2).replace(":", ""));
      byte[] arp = find(frames, 0x0806);
      assertThat(HEX.formatHex(arp)).isEqualTo(HEX.formatHex(GratuitousArp.frame(mac, vip4)));
      byte[] na =
          frames.stream()
              .filter(f -> etherType(f) == 0x86dd && f[20] == 58)
              .findFirst()
              .orElseThrow();
      assertThat(HEX.formatHex(na))
          .isEqualTo(HEX.formatHex(UnsolicitedNeighborAdvertisement.frame(mac, vip6)));

      byte[] vrrp4 = find(frames, 0x0800);
      assertThat(HEX.formatHex(Arrays.copyOfRange(vrrp4, 0, 6)))
          .as("group MAC")
          .isEqualTo("01005e000012");
      ByteBuffer ip = ByteBuffer.wrap(vrrp4, 14, vrrp4.length - 14);
      assertThat(vrrp4[14]).as("version/IHL").isEqualTo((byte) 0x45);
      assertThat(vrrp4[15] & 0xff).as("TOS").isEqualTo(0xc0);
      assertThat(vrrp4[20] & 0xff).as("flags: no DF").isZero();
      assertThat(vrrp4[22] & 0xff).as("TTL").isEqualTo(255);
      assertThat(vrrp4[23]).as("protocol").isEqualTo((byte) 112);
      assertThat(Arrays.copyOfRange(vrrp4, 26, 30))
          .as("source")
          .isEqualTo(lab.ipv4(2).getAddress());
      assertThat(ipv4HeaderSum(vrrp4, 14))
          .as("header checksum filled in by the kernel verifies")
          .isEqualTo(0xffff);
      assertThat(Arrays.copyOfRange(vrrp4, 34, vrrp4.length)).isEqualTo(V3_IPV4);
      assertThat(ip.remaining()).isEqualTo(20 + V3_IPV4.length);

      byte[] vrrp6 =
          frames.stream()
              .filter(f -> etherType(f) == 0x86dd && f[20] == 112)
              .findFirst()
              .orElseThrow();
      assertThat(HEX.formatHex(Arrays.copyOfRange(vrrp6, 0, 6)))
          .as("group MAC")
          .isEqualTo("333300000012");
      int trafficClass = ((vrrp6[14] & 0x0f) << 4) | ((vrrp6[15] & 0xf0) >>> 4);
      assertThat(trafficClass).as("traffic class").isEqualTo(0xc0);
      assertThat(vrrp6[21] & 0xff).as("hop limit").isEqualTo(255);
      assertThat(Arrays.copyOfRange(vrrp6, 22, 38))
          .as("link-local source")
          .isEqualTo(linkLocal2.getAddress());
      assertThat(Arrays.copyOfRange(vrrp6, 54, vrrp6.length)).isEqualTo(V3_IPV6);
    }
  }

  private static int etherType(byte[] f) {
    return (f[12] & 0xff) << 8 | (f[13] & 0xff);
  }

  private static byte[] find(List<byte[]> frames, int etherType) {
    return frames.stream().filter(f -> etherType(f) == etherType).findFirst().orElseThrow();
  }

  private static int ipv4HeaderSum(byte[] f, int offset) {
    int sum = 0;
    for (int i = 0; i < 20; i += 2) {
      sum += (f[offset + i] & 0xff) << 8 | (f[offset + i + 1] & 0xff);
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return sum;
  }

  /**
   * The frames of a classic pcap file (24-byte header, 16-byte record headers), either byte order.
   */
  private static List<byte[]> readPcap(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    b.order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      b.order(ByteOrder.BIG_ENDIAN);
    }
    List<byte[]> frames = new ArrayList<>();
    int at = 24;
    while (at + 16 <= b.limit()) {
      int captured = b.getInt(at + 8);
      byte[] frame = new byte[captured];
      b.get(at + 16, frame);
      frames.add(frame);
      at += 16 + captured;
    }
    return frames;
  }
}
