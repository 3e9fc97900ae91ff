package org.vrrpagent.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9568 §5.2.6: the reserved bits are sent as zero and ignored on receipt. */
class ReservedBitsTest {

  @Test
  @DisplayName(
      "RFC 9568 §5.2.6: the 4 reserved bits before Max Advertise Interval are zero on send")
  void rfc9568_5_2_6_reservedBitsAreZeroOnSend() {
    Advertisement a =
        Advertisement.v3(
            51,
            100,
            Advertisement.V3_MAX_INTERVAL_CENTIS,
            List.of(AdvertisementCodecTest.ip("198.18.0.100")));
    byte[] m =
        AdvertisementCodec.encode(
            a,
            AdvertisementCodecTest.SRC4,
            AdvertisementCodecTest.GROUP4,
            ChecksumMode.MESSAGE_ONLY);
    assertThat(m[4] & 0xf0).as("rsvd").isZero();
    assertThat(m[4] & 0x0f).as("interval high bits").isEqualTo(0x0f);
  }

  @Test
  @DisplayName("RFC 9568 §5.2.6: reserved bits set by the sender are ignored on receipt")
  void rfc9568_5_2_6_reservedBitsAreIgnoredOnReceipt() throws Exception {
    byte[] m = AdvertisementCodecTest.V3_IPV4.clone();
    m[4] |= (byte) 0xf0; // rsvd all ones
    AdvertisementCodecTest.fixV3MessageOnlyChecksum(m);
    Advertisement a = AdvertisementCodec.decode(m, AdvertisementCodecTest.V4).advertisement();
    assertThat(a.maxAdvertIntervalCentis()).isEqualTo(100);
    assertThat(a)
        .isEqualTo(
            AdvertisementCodec.decode(AdvertisementCodecTest.V3_IPV4, AdvertisementCodecTest.V4)
                .advertisement());
  }
}
