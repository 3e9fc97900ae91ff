package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4HeaderTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Inet4Address SRC = (Inet4Address) InetAddress.ofLiteral("198.18.0.11");
  private static final Inet4Address GROUP = (Inet4Address) InetAddress.ofLiteral("224.0.0.18");

  /** keepalived's IPv4 VRRP packets, IP header onwards (Ethernet stripped). */
  static List<byte[]> capturedIpv4Vrrp() throws IOException {
    try (InputStream in =
        Ipv4HeaderTest.class.getResourceAsStream("/vectors/adverts-garp-na.tsv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> l.contains("ethertype IPv4") && l.contains("proto VRRP"))
          .map(l -> HEX.parseHex(l.substring(l.indexOf('\t') + 1).strip()))
          .map(f -> Arrays.copyOfRange(f, 14, f.length))
          .toList();
    }
  }

  @Test
  void encodedHeaderIsKeepalivedsApartFromWhatTheKernelFills() throws IOException {
    List<byte[]> captured = capturedIpv4Vrrp();
    assertThat(captured).isNotEmpty();
    for (byte[] packet : captured) {
      byte[] payload = Arrays.copyOfRange(packet, 20, packet.length);
      byte[] ours = Ipv4Header.encode(payload, SRC, GROUP);
      byte[] expected = packet.clone();
      // identification (4..5) and header checksum (10..11) are the kernel's to fill in.
      expected[4] = expected[5] = expected[10] = expected[11] = 0;
      assertThat(HEX.formatHex(ours)).isEqualTo(HEX.formatHex(expected));
    }
  }

  @Test
  void parseReadsTtlAddressesAndPayloadOfACapturedAdvert() throws IOException {
    byte[] packet = capturedIpv4Vrrp().getFirst();
    Ipv4Header h = Ipv4Header.parse(packet, packet.length);
    assertThat(h).isNotNull();
    assertThat(h.ttl()).isEqualTo(255);
    assertThat(h.source()).isEqualTo(SRC);
    assertThat(h.destination()).isEqualTo(GROUP);
    assertThat(h.payloadOffset()).isEqualTo(20);
    assertThat(h.payloadLength()).isEqualTo(packet.length - 20);
  }

  @Test
  void parseHonoursIhlWithOptions() {
    byte[] packet = new byte[24 + 8];
    packet[0] = 0x46; // IHL 6: 4 bytes of options
    packet[2] = 0;
    packet[3] = (byte) packet.length;
    packet[8] = 64;
    Ipv4Header h = Ipv4Header.parse(packet, packet.length);
    assertThat(h.payloadOffset()).isEqualTo(24);
    assertThat(h.payloadLength()).isEqualTo(8);
    assertThat(h.ttl()).isEqualTo(64);
  }

  @Test
  void parseRejectsWhatIsNotAWholeIpv4Header() {
    assertThat(Ipv4Header.parse(new byte[19], 19)).as("shorter than 20").isNull();
    byte[] v6 = new byte[40];
    v6[0] = 0x60;
    assertThat(Ipv4Header.parse(v6, 40)).as("version 6").isNull();
    byte[] ihl4 = new byte[40];
    ihl4[0] = 0x44;
    assertThat(Ipv4Header.parse(ihl4, 40)).as("IHL 4").isNull();
    byte[] ihl15 = new byte[40];
    ihl15[0] = 0x4f;
    assertThat(Ipv4Header.parse(ihl15, 40)).as("IHL 15 > length").isNull();
  }

  /** Any bytes: parse returns null or a header whose payload lies inside what was read. */
  @ParameterizedTest
  @ValueSource(longs = {7, 11, 1234, 987654321})
  void parseNeverPointsOutsideThePacket(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 5000; i++) {
      int length = random.nextInt(80);
      byte[] p = new byte[length];
      random.nextBytes(p);
      if (length > 0 && random.nextBoolean()) {
        p[0] = (byte) (0x40 | (p[0] & 0x0f));
      }
      Ipv4Header h = Ipv4Header.parse(p, length);
      if (h != null) {
        assertThat(h.payloadOffset() + h.payloadLength())
            .as("seed=%d i=%d", seed, i)
            .isLessThanOrEqualTo(length);
        assertThat(h.payloadLength()).as("seed=%d i=%d", seed, i).isGreaterThanOrEqualTo(0);
      }
    }
  }
}
