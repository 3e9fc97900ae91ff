package org.vrrpagent.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hmac-sha256 trailer (vrrp-agent's own, not an RFC): layout at exact offsets, the HMAC over
 * source, destination, message and trailer header, and one negative test per check.
 */
class HmacTrailerTest {
  static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII); // 32 bytes
  static final InetAddress SRC = InetAddress.ofLiteral("198.18.1.1");
  static final InetAddress DST = InetAddress.ofLiteral("198.18.2.2");
  static final long SEQUENCE = 0x0006_3f1e_0102_0304L;

  static Mac mac(byte[] secret) throws Exception {
    Mac m = Mac.getInstance(HmacTrailer.ALGORITHM);
    m.init(new SecretKeySpec(secret, HmacTrailer.ALGORITHM));
    return m;
  }

  /** A VRRPv3 advert (one IPv4 address) with room for the trailer, signed. */
  static byte[] signed(Mac mac) {
    byte[] message =
        AdvertisementCodec.encode(
            Advertisement.v3(10, 200, 100, List.of(InetAddress.ofLiteral("198.18.1.1"))),
            SRC,
            DST,
            ChecksumMode.PSEUDO_HEADER);
    byte[] packet = Arrays.copyOf(message, message.length + HmacTrailer.BYTES);
    HmacTrailer.sign(mac, packet, message.length, SRC.getAddress(), DST.getAddress(), SEQUENCE);
    return packet;
  }

  @Test
  @DisplayName("the trailer follows the VRRP message unchanged: magic, version, reserved, sequence")
  void layout() throws Exception {
    byte[] p = signed(mac(SECRET));
    assertThat(p).hasSize(12 + 44);
    // The VRRP message (12 bytes: 8 fixed + one IPv4 address) is what the codec encodes.
    assertThat(p[0]).isEqualTo((byte) 0x31); // version 3, type 1
    assertThat(p[1]).isEqualTo((byte) 10); // VRID
    int t = 12;
    assertThat(p[t]).isEqualTo((byte) 'v');
    assertThat(p[t + 1]).isEqualTo((byte) 'a');
    assertThat(p[t + 2]).isEqualTo((byte) 1); // trailer version
    assertThat(p[t + 3]).isZero(); // reserved
    assertThat(HexFormat.of().formatHex(p, t + 4, t + 12)).isEqualTo("00063f1e01020304");
    assertThat(HmacTrailer.sequence(p, p.length)).isEqualTo(SEQUENCE);
  }

  @Test
  @DisplayName("the HMAC is HMAC-SHA256 over source, destination, message and trailer bytes 0..11")
  void macInput() throws Exception {
    byte[] p = signed(mac(SECRET));
    Mac m = mac(SECRET);
    m.update(SRC.getAddress());
    m.update(DST.getAddress());
    m.update(p, 0, 12 + 12);
    assertThat(Arrays.copyOfRange(p, 24, 56)).isEqualTo(m.doFinal());
  }

  @Test
  @DisplayName("a signed advert verifies and gives the message length back")
  void roundTrip() throws Exception {
    Mac mac = mac(SECRET);
    byte[] p = signed(mac);
    assertThat(
            HmacTrailer.verify(mac, p, p.length, SRC.getAddress(), DST.getAddress(), new byte[32]))
        .isEqualTo(12);
    // and the message before it decodes as the advert it was
    ReceivedAdvertisement a =
        AdvertisementCodec.decode(Arrays.copyOf(p, 12), new IpContext(SRC, DST, 255, true));
    assertThat(a.advertisement().priority()).isEqualTo(200);
  }

  @Test
  @DisplayName("IPv6: 16-byte addresses in the HMAC")
  void ipv6() throws Exception {
    Mac mac = mac(SECRET);
    InetAddress s = InetAddress.ofLiteral("fd00:198:18::11");
    InetAddress d = InetAddress.ofLiteral("fd00:198:18::12");
    byte[] message =
        AdvertisementCodec.encode(
            Advertisement.v3(10, 200, 100, List.of(InetAddress.ofLiteral("fd00:198:18::100"))),
            s,
            d,
            ChecksumMode.PSEUDO_HEADER);
    byte[] p = Arrays.copyOf(message, message.length + 44);
    HmacTrailer.sign(mac, p, message.length, s.getAddress(), d.getAddress(), 7);
    assertThat(HmacTrailer.verify(mac, p, p.length, s.getAddress(), d.getAddress(), new byte[32]))
        .isEqualTo(message.length);
    assertThatExceptionOfType(MalformedAdvertisementException.class)
        .isThrownBy(
            () ->
                HmacTrailer.verify(mac, p, p.length, d.getAddress(), s.getAddress(), new byte[32]))
        .extracting(MalformedAdvertisementException::reason)
        .isEqualTo(DropReason.HMAC_MISMATCH);
  }

  @Test
  @DisplayName("a plain advert (no trailer) is hmac_missing: too short, or no magic")
  void missing() throws Exception {
    Mac mac = mac(SECRET);
    byte[] plain =
        AdvertisementCodec.encode(
            Advertisement.v3(10, 200, 100, List.of(SRC)), SRC, DST, ChecksumMode.PSEUDO_HEADER);
    assertThatExceptionOfType(MalformedAdvertisementException.class)
        .isThrownBy(
            () ->
                HmacTrailer.verify(
                    mac, plain, plain.length, SRC.getAddress(), DST.getAddress(), new byte[32]))
        .satisfies(e -> assertThat(e.reason()).isEqualTo(DropReason.HMAC_MISSING))
        .withMessage(
            "message of 12 bytes (expected: a VRRP message and the 44-byte hmac-sha256 trailer of"
                + " a vrrp-agent peer)");
    // A long plain advert (12 addresses): long enough, but no trailer's magic.
    List<InetAddress> many =
        java.util.stream.IntStream.rangeClosed(1, 12)
            .mapToObj(i -> InetAddress.ofLiteral("198.18.3." + i))
            .toList();
    byte[] longPlain =
        AdvertisementCodec.encode(
            Advertisement.v3(10, 200, 100, many), SRC, DST, ChecksumMode.PSEUDO_HEADER);
    assertThatExceptionOfType(MalformedAdvertisementException.class)
        .isThrownBy(
            () ->
                HmacTrailer.verify(
                    mac,
                    longPlain,
                    longPlain.length,
                    SRC.getAddress(),
                    DST.getAddress(),
                    new byte[32]))
        .satisfies(e -> assertThat(e.reason()).isEqualTo(DropReason.HMAC_MISSING));
  }

  @Test
  @DisplayName(
      "hmac_mismatch: another secret, any byte changed (message, sequence, HMAC), other addresses")
  void mismatch() throws Exception {
    Mac mac = mac(SECRET);
    byte[] good = signed(mac);
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    Mac wrong = mac(other);
    assertThat(reason(wrong, good, SRC, DST)).isEqualTo(DropReason.HMAC_MISMATCH);
    for (int i : new int[] {2, 11, 12 + 3, 12 + 4, 12 + 11, 12 + 12, good.length - 1}) {
      byte[] p = good.clone();
      p[i] ^= 0x01;
      assertThat(reason(mac, p, SRC, DST))
          .as("byte %d changed", i)
          .isEqualTo(DropReason.HMAC_MISMATCH);
    }
    InetAddress elsewhere = InetAddress.ofLiteral("198.18.2.3");
    assertThat(reason(mac, good, elsewhere, DST)).isEqualTo(DropReason.HMAC_MISMATCH);
    assertThat(reason(mac, good, SRC, elsewhere)).isEqualTo(DropReason.HMAC_MISMATCH);
    assertThat(reason(mac, good, SRC, DST)).isNull();
  }

  static DropReason reason(Mac mac, byte[] p, InetAddress src, InetAddress dst) {
    try {
      HmacTrailer.verify(mac, p, p.length, src.getAddress(), dst.getAddress(), new byte[32]);
      return null;
    } catch (MalformedAdvertisementException e) {
      return e.reason();
    }
  }
}
