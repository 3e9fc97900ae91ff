package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The ICMPv6 messages of the IPv6 duplicate-address watch (RFC 4861 §4.3, §4.4; RFC 4291 §2.7.1).
 */
class NdConflictWatchTest {
  static final byte[] OUR_MAC = HexFormat.of().parseHex("020000000001");
  static final Inet6Address VIP = (Inet6Address) InetAddress.ofLiteral("fd00:198:18::100");

  @Test
  void rfc4291SolicitedNodeGroupTakesTheLow24Bits() {
    assertThat(NdConflictWatch.solicitedNode(VIP))
        .isEqualTo(InetAddress.ofLiteral("ff02::1:ff00:100"));
  }

  @Test
  void rfc4861SolicitationNamesTheTargetAndOurMac() {
    assertThat(HexFormat.of().formatHex(NdConflictWatch.solicitation(OUR_MAC, VIP)))
        .isEqualTo(
            "87"
                + "00"
                + "0000"
                + "00000000" // type 135, code 0, checksum (kernel), reserved
                + "fd000198001800000000000000000100" // target
                + "01"
                + "01"
                + "020000000001"); // source link-layer address option
  }

  @Test
  void anAdvertisementClaimsItsTargetForItsTargetLinkLayerAddress() {
    byte[] na =
        HexFormat.of()
            .parseHex(
                "88"
                    + "00"
                    + "0000"
                    + "60000000"
                    + "fd000198001800000000000000000100"
                    + "02"
                    + "01"
                    + "020000000002");
    NdConflictWatch.Claim c = NdConflictWatch.parse(na, na.length);
    assertThat(c.address()).isEqualTo(VIP);
    assertThat(HexFormat.of().formatHex(c.mac())).isEqualTo("020000000002");
  }

  @Test
  void anAdvertisementWithoutTargetLinkLayerAddressOrAZeroLengthOptionClaimsNothing() {
    byte[] bare = HexFormat.of().parseHex("8800000060000000fd000198001800000000000000000100");
    assertThat(NdConflictWatch.parse(bare, bare.length)).isNull();
    byte[] zero =
        HexFormat.of()
            .parseHex("8800000060000000fd000198001800000000000000000100" + "0200020000000002");
    assertThat(NdConflictWatch.parse(zero, zero.length)).isNull();
    byte[] solicitation = NdConflictWatch.solicitation(OUR_MAC, VIP);
    assertThat(NdConflictWatch.parse(solicitation, solicitation.length)).isNull();
  }
}
