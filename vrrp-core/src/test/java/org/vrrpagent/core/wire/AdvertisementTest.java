package org.vrrpagent.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vrrpagent.core.wire.AdvertisementCodecTest.ip;

import java.net.InetAddress;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An invalid advertisement cannot be constructed; each rule says what it expected. */
class AdvertisementTest {
  static final List<InetAddress> ONE = List.of(ip("198.18.0.100"));

  @Test
  void vridMustBe1To255() {
    assertThatThrownBy(() -> Advertisement.v3(0, 100, 100, ONE))
        .hasMessage("VRID 0 (expected: 1..255)");
    assertThatThrownBy(() -> Advertisement.v3(256, 100, 100, ONE))
        .hasMessage("VRID 256 (expected: 1..255)");
  }

  @Test
  void priorityMustBe0To255() {
    assertThatThrownBy(() -> Advertisement.v3(1, -1, 100, ONE))
        .hasMessage("priority -1 (expected: 0..255)");
    assertThatThrownBy(() -> Advertisement.v3(1, 256, 100, ONE))
        .hasMessage("priority 256 (expected: 0..255)");
  }

  @Test
  void v3IntervalIsTwelveBitsOfCentiseconds() {
    assertThatThrownBy(() -> Advertisement.v3(1, 100, 0, ONE))
        .hasMessage("advertisement interval 0 cs (expected: 1..4095 cs for VRRPv3)");
    assertThatThrownBy(() -> Advertisement.v3(1, 100, 4096, ONE))
        .hasMessage("advertisement interval 4096 cs (expected: 1..4095 cs for VRRPv3)");
    assertThat(Advertisement.v3(1, 100, 4095, ONE).maxAdvertIntervalCentis()).isEqualTo(4095);
  }

  @Test
  void v2IntervalIsWholeSeconds() {
    assertThatThrownBy(
            () ->
                new Advertisement(
                    VrrpVersion.V2,
                    AddressFamily.IPV4,
                    1,
                    100,
                    150,
                    ONE,
                    AuthType.NONE,
                    new byte[8]))
        .hasMessage("advertisement interval 150 cs (expected: whole seconds 1..255 for VRRPv2)");
    assertThatThrownBy(() -> Advertisement.v2(1, 100, 256, ONE, AuthType.NONE, new byte[8]))
        .hasMessage("advertisement interval 25600 cs (expected: whole seconds 1..255 for VRRPv2)");
  }

  @Test
  void addressesMustMatchTheFamily() {
    assertThatThrownBy(
            () ->
                new Advertisement(
                    VrrpVersion.V3,
                    AddressFamily.IPV4,
                    1,
                    100,
                    100,
                    List.of(ip("fd00:198:18::1")),
                    AuthType.NONE,
                    new byte[0]))
        .hasMessage("address fd00:198:18::1 (expected: IPV4)");
    assertThatThrownBy(
            () ->
                Advertisement.v2(
                    1, 100, 1, List.of(ip("fd00:198:18::1")), AuthType.NONE, new byte[8]))
        .hasMessage("address fd00:198:18::1 (expected: IPV4)");
  }

  @Test
  void atMost255Addresses() {
    assertThatThrownBy(
            () -> Advertisement.v3(1, 100, 100, Collections.nCopies(256, ip("198.18.0.1"))))
        .hasMessage("address count 256 (expected: at most 255)");
  }

  @Test
  void authenticationBelongsToV2Only() {
    assertThatThrownBy(
            () ->
                new Advertisement(
                    VrrpVersion.V3,
                    AddressFamily.IPV4,
                    1,
                    100,
                    100,
                    ONE,
                    AuthType.SIMPLE_TEXT,
                    new byte[8]))
        .hasMessage("authentication on a VRRPv3 advertisement (expected: none)");
    assertThatThrownBy(() -> Advertisement.v2(1, 100, 1, ONE, AuthType.SIMPLE_TEXT, new byte[7]))
        .hasMessage("auth data of 7 bytes (expected: 8)");
    assertThatThrownBy(() -> Advertisement.v2(1, 100, 1, ONE, AuthType.NONE, "secret12".getBytes()))
        .hasMessage("auth data with auth type none (expected: zeros)");
  }

  @Test
  void isImmutable() {
    byte[] data = "secret12".getBytes();
    Advertisement a = Advertisement.v2(1, 100, 1, ONE, AuthType.SIMPLE_TEXT, data);
    data[0] = 'X';
    a.authData()[1] = 'Y';
    assertThat(new String(a.authData())).isEqualTo("secret12");
    assertThatThrownBy(() -> a.addresses().add(ip("198.18.0.2")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(a.withPriority(0))
        .isEqualTo(Advertisement.v2(1, 0, 1, ONE, AuthType.SIMPLE_TEXT, "secret12".getBytes()));
  }
}
