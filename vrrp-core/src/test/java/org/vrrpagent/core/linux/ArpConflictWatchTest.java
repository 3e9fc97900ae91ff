package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The ARP frames of the duplicate-address watch (RFC 826, RFC 5227 §2.1.1). */
class ArpConflictWatchTest {
  static final byte[] OUR_MAC = HexFormat.of().parseHex("020000000001");
  static final Inet4Address VIP = (Inet4Address) InetAddress.ofLiteral("198.18.0.100");

  @Test
  void rfc5227ProbeAsksForTheAddressFromTheUnspecifiedSender() {
    byte[] f = ArpConflictWatch.probeFrame(OUR_MAC, VIP);
    assertThat(HexFormat.of().formatHex(f))
        .isEqualTo(
            "ffffffffffff" // destination: broadcast
                + "020000000001" // source: our MAC
                + "0806" // ARP
                + "0001"
                + "0800"
                + "06"
                + "04" // Ethernet, IPv4, lengths 6 and 4
                + "0001" // request
                + "020000000001"
                + "00000000" // sender: our MAC, 0.0.0.0
                + "000000000000"
                + "c6120064"); // target: unknown MAC, 198.18.0.100
    assertThat(ArpConflictWatch.parse(f, f.length)).as("a probe claims no address").isNull();
  }

  @Test
  void aReplyClaimsItsSenderAddressForItsSenderMac() {
    byte[] reply =
        HexFormat.of()
            .parseHex(
                "020000000001"
                    + "020000000002"
                    + "0806"
                    + "0001080006040002"
                    + "020000000002"
                    + "c6120064"
                    + "020000000001"
                    + "00000000");
    ArpConflictWatch.Claim c = ArpConflictWatch.parse(reply, reply.length);
    assertThat(c.address()).isEqualTo(VIP);
    assertThat(HexFormat.of().formatHex(c.mac())).isEqualTo("020000000002");
  }

  @Test
  void otherFramesAreNotClaims() {
    byte[] ipv4 = new byte[60];
    ipv4[12] = 0x08; // ethertype IPv4, not ARP
    assertThat(ArpConflictWatch.parse(ipv4, ipv4.length)).isNull();
    byte[] shortFrame = HexFormat.of().parseHex("ffffffffffff0200000000020806");
    assertThat(ArpConflictWatch.parse(shortFrame, shortFrame.length)).isNull();
    byte[] tokenRing = ArpConflictWatch.probeFrame(OUR_MAC, VIP);
    tokenRing[15] = 6; // hardware type IEEE 802
    tokenRing[28] = (byte) 198;
    assertThat(ArpConflictWatch.parse(tokenRing, tokenRing.length)).isNull();
  }
}
