package org.vrrpagent.core.neighbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our GARP and NA frames against keepalived 2.2.7's, captured in vectors/adverts-garp-na.tsv. */
class NeighborFramesTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Frames from the capture: "tcpdump line TAB hex of the whole frame". */
  static List<byte[]> capturedFrames(String tcpdumpMarker) throws IOException {
    try (InputStream in =
        NeighborFramesTest.class.getResourceAsStream("/vectors/adverts-garp-na.tsv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> l.contains(tcpdumpMarker))
          .map(l -> HEX.parseHex(l.substring(l.indexOf('\t') + 1).strip()))
          .toList();
    }
  }

  @Test
  void gratuitousArpMatchesKeepalivedByteForByte() throws IOException {
    List<byte[]> captured = capturedFrames("ethertype ARP");
    assertThat(captured).hasSizeGreaterThanOrEqualTo(3);
    for (byte[] frame : captured) {
      byte[] mac = Arrays.copyOfRange(frame, 6, 12); // the sender's MAC, as captured
      Inet4Address vip =
          (Inet4Address) address(Arrays.copyOfRange(frame, 28, 32)); // sender protocol address
      assertThat(HEX.formatHex(GratuitousArp.frame(mac, vip))).isEqualTo(HEX.formatHex(frame));
    }
  }

  @Test
  void unsolicitedNeighborAdvertisementMatchesKeepalivedByteForByte() throws IOException {
    List<byte[]> captured = capturedFrames("neighbor advertisement");
    assertThat(captured).isNotEmpty();
    for (byte[] frame : captured) {
      byte[] mac = Arrays.copyOfRange(frame, 6, 12);
      Inet6Address vip = (Inet6Address) address(Arrays.copyOfRange(frame, 62, 78)); // NA target
      assertThat(HEX.formatHex(UnsolicitedNeighborAdvertisement.frame(mac, vip)))
          .isEqualTo(HEX.formatHex(frame));
    }
  }

  @Test
  void neighborAdvertisementFlagsAreOverrideOnly_rfc4861_4_4() {
    byte[] f =
        UnsolicitedNeighborAdvertisement.frame(
            new byte[] {2, 0, 0, 0, 0, 1}, v6("fd00:198:18::100"));
    assertThat(f[54] & 0xff).as("ICMPv6 type").isEqualTo(136);
    assertThat(f[58] & 0xe0).as("R S O flags").isEqualTo(0x20);
    assertThat(f[21] & 0xff).as("hop limit").isEqualTo(255);
    assertThat(f[78]).as("option type: target link-layer address").isEqualTo((byte) 2);
  }

  /**
   * The checksum over the whole message (checksum field included) folds to zero for random inputs.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 20261122})
  void neighborAdvertisementChecksumVerifies(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 200; i++) {
      byte[] mac = new byte[6];
      byte[] ip = new byte[16];
      random.nextBytes(mac);
      random.nextBytes(ip);
      ip[0] = (byte) 0xfd;
      byte[] f = UnsolicitedNeighborAdvertisement.frame(mac, (Inet6Address) address(ip));
      int verify = UnsolicitedNeighborAdvertisement.icmpv6Checksum(f, 22, 38, 54, 32);
      assertThat(verify).as("seed=%d i=%d", seed, i).isEqualTo(0);
    }
  }

  @Test
  void rejectsMacOfWrongLength() {
    assertThatThrownBy(
            () ->
                GratuitousArp.frame(
                    new byte[5], (Inet4Address) address(new byte[] {(byte) 198, 18, 0, 1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MAC address of 5 bytes (expected: 6)");
  }

  private static Inet6Address v6(String literal) {
    return (Inet6Address) InetAddress.ofLiteral(literal);
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
