package org.vrrpagent.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire codec, read against RFC 9568 (VRRPv3) and RFC 3768 (VRRPv2), and keepalived's packets.
 */
class AdvertisementCodecTest {
  static final InetAddress SRC4 = ip("198.18.0.11");
  static final InetAddress GROUP4 = ip("224.0.0.18");
  static final InetAddress SRC6 = ip("fe80::9845:72ff:fe50:500a");
  static final InetAddress GROUP6 = ip("ff02::12");
  static final IpContext V4 = new IpContext(SRC4, GROUP4, 255);
  static final IpContext V6 = new IpContext(SRC6, GROUP6, 255);

  /** keepalived 2.2.7, vrid 51: VRRPv3 over IPv4, two addresses, checksum with pseudo-header. */
  static final byte[] V3_IPV4 = {
    0x31, // version 3, type 1 (advertisement)
    0x33, // VRID 51
    0x64, // priority 100
    0x02, // count IPv4 addresses: 2
    0x00,
    0x64, // rsvd 0, max adver int 100 centiseconds
    0x36,
    (byte) 0xc7, // checksum (pseudo-header)
    (byte) 198,
    18,
    0,
    100, // 198.18.0.100
    (byte) 198,
    18,
    0,
    101, // 198.18.0.101
  };

  /** keepalived 2.2.7, vrid 52: VRRPv2 with simple-text (PASS) authentication. */
  static final byte[] V2_PASS = {
    0x21, // version 2, type 1
    0x34, // VRID 52
    (byte) 0x96, // priority 150
    0x01, // count IP addrs: 1
    0x01, // auth type 1 (simple text)
    0x01, // advertisement interval 1 s
    0x13,
    (byte) 0xd2, // checksum (message only)
    (byte) 198,
    18,
    0,
    102, // 198.18.0.102
    's',
    'e',
    'c',
    'r',
    'e',
    't',
    '1',
    '2', // authentication data
  };

  /** keepalived 2.2.7, vrid 53: VRRPv3 over IPv6, 500 ms interval. */
  static final byte[] V3_IPV6 =
      HexFormat.of().parseHex("313578010032ff27fd000198001800000000000000000100");

  @Test
  @DisplayName("RFC 9568 §5.1: a VRRPv3 IPv4 advertisement decodes field by field")
  void rfc9568_5_1_decodesV3Ipv4() throws Exception {
    ReceivedAdvertisement r = AdvertisementCodec.decode(V3_IPV4, V4);
    Advertisement a = r.advertisement();
    assertThat(a.version()).isEqualTo(VrrpVersion.V3);
    assertThat(a.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(a.vrid()).isEqualTo(51);
    assertThat(a.priority()).isEqualTo(100);
    assertThat(a.maxAdvertIntervalCentis()).isEqualTo(100);
    assertThat(a.addresses()).containsExactly(ip("198.18.0.100"), ip("198.18.0.101"));
    assertThat(r.source()).isEqualTo(SRC4);
    assertThat(r.checksumMode()).isEqualTo(ChecksumMode.PSEUDO_HEADER);
  }

  @Test
  @DisplayName("RFC 9568 §5.1: encoding puts each field at its offset")
  void rfc9568_5_1_encodesFieldsAtTheirOffsets() {
    Advertisement a =
        Advertisement.v3(51, 100, 100, List.of(ip("198.18.0.100"), ip("198.18.0.101")));
    assertThat(AdvertisementCodec.encode(a, SRC4, GROUP4, ChecksumMode.PSEUDO_HEADER))
        .isEqualTo(V3_IPV4);
  }

  @Test
  @DisplayName("RFC 9568 §5.2.8: the message-only IPv4 checksum is sent on request and accepted")
  void rfc9568_5_2_8_messageOnlyChecksum() throws Exception {
    Advertisement a =
        Advertisement.v3(51, 100, 100, List.of(ip("198.18.0.100"), ip("198.18.0.101")));
    byte[] m = AdvertisementCodec.encode(a, SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
    assertThat(Arrays.copyOfRange(m, 0, 6)).isEqualTo(Arrays.copyOfRange(V3_IPV4, 0, 6));
    assertThat(InternetChecksum.of(m, 0, m.length)).isZero();
    ReceivedAdvertisement r = AdvertisementCodec.decode(m, V4);
    assertThat(r.checksumMode()).isEqualTo(ChecksumMode.MESSAGE_ONLY);
    assertThat(r.advertisement()).isEqualTo(a);
  }

  @Test
  @DisplayName("RFC 9568 §5.2.8: an IPv6 checksum always includes the RFC 8200 pseudo-header")
  void rfc9568_5_2_8_ipv6UsesPseudoHeaderWhateverTheMode() throws Exception {
    Advertisement a = AdvertisementCodec.decode(V3_IPV6, V6).advertisement();
    assertThat(a.addresses()).containsExactly(ip("fd00:198:18::100"));
    assertThat(a.maxAdvertIntervalCentis()).isEqualTo(50);
    assertThat(AdvertisementCodec.encode(a, SRC6, GROUP6, ChecksumMode.MESSAGE_ONLY))
        .isEqualTo(V3_IPV6);
    assertThat(AdvertisementCodec.decode(V3_IPV6, V6).checksumMode())
        .isEqualTo(ChecksumMode.PSEUDO_HEADER);
  }

  @Test
  @DisplayName("RFC 3768 §5.3: a VRRPv2 advertisement with PASS auth decodes and re-encodes")
  void rfc3768_5_3_v2WithSimpleTextAuth() throws Exception {
    ReceivedAdvertisement r = AdvertisementCodec.decode(V2_PASS, V4);
    Advertisement a = r.advertisement();
    assertThat(a.version()).isEqualTo(VrrpVersion.V2);
    assertThat(a.vrid()).isEqualTo(52);
    assertThat(a.priority()).isEqualTo(150);
    assertThat(a.maxAdvertIntervalCentis()).isEqualTo(100);
    assertThat(a.authType()).isEqualTo(AuthType.SIMPLE_TEXT);
    assertThat(new String(a.authData(), StandardCharsets.US_ASCII)).isEqualTo("secret12");
    assertThat(r.checksumMode()).isEqualTo(ChecksumMode.MESSAGE_ONLY);
    assertThat(AdvertisementCodec.encode(a, SRC4, GROUP4, ChecksumMode.PSEUDO_HEADER))
        .isEqualTo(V2_PASS);
  }

  @Test
  @DisplayName("RFC 3768 §5.3.10: with no authentication the auth data is ignored on receipt")
  void rfc3768_5_3_10_authDataIgnoredWithoutAuth() throws Exception {
    byte[] m =
        AdvertisementCodec.encode(
            Advertisement.v2(54, 200, 2, List.of(ip("198.18.0.104")), AuthType.NONE, new byte[8]),
            SRC4,
            GROUP4,
            ChecksumMode.MESSAGE_ONLY);
    m[m.length - 1] = 'x';
    fixV2Checksum(m);
    assertThat(AdvertisementCodec.decode(m, V4).advertisement().authData()).isEqualTo(new byte[8]);
  }

  // ---- Receive rules, RFC 9568 §7.1, one negative test each, in the order they are checked ----

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 64, 254})
  @DisplayName("RFC 9568 §7.1: the TTL must be 255")
  void rfc9568_7_1_ttlMustBe255(int ttl) {
    assertDrop(
        V3_IPV4,
        new IpContext(SRC4, GROUP4, ttl),
        DropReason.TTL,
        "TTL " + ttl + " (expected: 255)");
  }

  @Test
  @DisplayName("RFC 9568 §7.1: the IPv6 hop limit must be 255")
  void rfc9568_7_1_hopLimitMustBe255() {
    assertDrop(
        V3_IPV6, new IpContext(SRC6, GROUP6, 1), DropReason.TTL, "hop limit 1 (expected: 255)");
  }

  @Test
  @DisplayName("an unspecified source (0.0.0.0, ::) is dropped: no router sends from it")
  void unspecifiedSourceIsDropped() {
    for (InetAddress any : List.of(InetAddress.ofLiteral("0.0.0.0"), InetAddress.ofLiteral("::"))) {
      InetAddress group = any.getAddress().length == 4 ? GROUP4 : GROUP6;
      Advertisement a =
          Advertisement.v3(
              51,
              250,
              100,
              List.of(
                  InetAddress.ofLiteral(
                      any.getAddress().length == 4 ? "198.18.0.100" : "fd00:198:18::100")));
      byte[] m = AdvertisementCodec.encode(a, any, group, ChecksumMode.PSEUDO_HEADER);
      assertDrop(
          m,
          new IpContext(any, group, 255),
          DropReason.UNSPECIFIED_SOURCE,
          "source "
              + (any.getAddress().length == 4 ? "0.0.0.0" : "::")
              + " (expected: the sender's own address)");
    }
  }

  @Test
  @DisplayName("a message shorter than the fixed header is dropped")
  void tooShort() {
    assertDrop(
        Arrays.copyOf(V3_IPV4, 7),
        V4,
        DropReason.TOO_SHORT,
        "message of 7 bytes (expected: at least 8)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4, 15})
  @DisplayName("RFC 9568 §7.1: the version must be 3 (or 2 for a VRRPv2 router)")
  void rfc9568_7_1_versionMustBeKnown(int version) {
    byte[] m = V3_IPV4.clone();
    m[0] = (byte) (version << 4 | 1);
    assertDrop(m, V4, DropReason.VERSION, "version " + version + " (expected: 2 or 3)");
  }

  @Test
  @DisplayName("RFC 3768: VRRPv2 exists only for IPv4")
  void rfc3768_v2OverIpv6IsDropped() {
    byte[] m = V3_IPV6.clone();
    m[0] = 0x21;
    assertDrop(m, V6, DropReason.VERSION, "VRRPv2 over IPv6 (expected: version 3)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 15})
  @DisplayName("RFC 9568 §5.2.2: the type must be 1, advertisement")
  void rfc9568_5_2_2_typeMustBeAdvertisement(int type) {
    byte[] m = V3_IPV4.clone();
    m[0] = (byte) (0x30 | type);
    assertDrop(m, V4, DropReason.TYPE, "type " + type + " (expected: 1, advertisement)");
  }

  @Test
  @DisplayName("a 36-byte CARP advertisement on protocol 112 is not VRRP, not a bad VRRPv2 packet")
  void carpIsNotVrrp() {
    byte[] carp = new byte[36];
    carp[0] = 0x21; // CARP version 2, type 1 (advertisement)
    carp[1] = 7; // vhid
    carp[2] = 0; // advskew
    carp[3] = 7; // authlen 7 (× 4 bytes)
    carp[4] = 0; // demote
    carp[5] = 1; // advbase 1 s
    for (int i = 8; i < 36; i++) {
      carp[i] = (byte) (i * 37); // counter and HMAC
    }
    int sum = InternetChecksum.of(carp, 0, carp.length);
    carp[6] = (byte) (sum >>> 8);
    carp[7] = (byte) sum;
    assertDrop(
        carp,
        V4,
        DropReason.NOT_VRRP,
        "36-byte message with count 7: a CARP advertisement (expected: VRRP)");
  }

  @Test
  @DisplayName("a 36-byte VRRPv2 advertisement with 5 addresses is VRRP")
  void thirtySixByteV2WithFiveAddressesIsVrrp() throws Exception {
    List<InetAddress> five = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      five.add(ip("198.18.0." + i));
    }
    Advertisement a = Advertisement.v2(7, 100, 1, five, AuthType.NONE, new byte[8]);
    byte[] m = AdvertisementCodec.encode(a, SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
    assertThat(m).hasSize(36);
    assertThat(AdvertisementCodec.decode(m, V4).advertisement()).isEqualTo(a);
  }

  @Test
  @DisplayName("RFC 9568 §7.1: the packet must hold exactly the addresses its count announces")
  void rfc9568_7_1_lengthMustMatchCount() {
    byte[] m = V3_IPV4.clone();
    m[3] = 3;
    assertDrop(
        m, V4, DropReason.LENGTH, "message of 16 bytes for 3 IPV4 address(es) (expected: 20)");
    assertDrop(
        Arrays.copyOf(V3_IPV4, 17),
        V4,
        DropReason.LENGTH,
        "message of 17 bytes for 2 IPV4 address(es) (expected: 16)");
  }

  @Test
  @DisplayName("a message longer than any advertisement is dropped before it is read")
  void overLongMessage() {
    assertDrop(
        new byte[AdvertisementCodec.MAX_MESSAGE_BYTES + 1],
        V4,
        DropReason.LENGTH,
        "message of 4089 bytes (expected: at most 4088)");
  }

  @Test
  @DisplayName("RFC 9568 §7.1: the checksum must verify (IPv4: either form)")
  void rfc9568_7_1_checksumMustVerify() {
    byte[] m = V3_IPV4.clone();
    m[7] ^= 1;
    assertDrop(
        m,
        V4,
        DropReason.CHECKSUM,
        "checksum 0x36c6 (expected: 0x36c7 with pseudo-header or 0xdd77 without)");
  }

  @Test
  @DisplayName("RFC 9568 §7.1: an IPv6 checksum computed for another source fails")
  void rfc9568_7_1_ipv6ChecksumCoversTheSource() {
    assertDrop(
        V3_IPV6,
        new IpContext(ip("fe80::1"), GROUP6, 255),
        DropReason.CHECKSUM,
        "checksum 0xff27 (expected: 0x58c7 with pseudo-header)");
  }

  @Test
  @DisplayName("RFC 3768 §7.1: a VRRPv2 checksum covers the message only")
  void rfc3768_7_1_v2Checksum() {
    byte[] m = V2_PASS.clone();
    m[m.length - 1] = '3';
    assertDrop(m, V4, DropReason.CHECKSUM, "checksum 0x13d2 (expected: 0x13d1)");
  }

  @Test
  @DisplayName("source and destination must be of one address family")
  void mixedFamiliesAreDropped() {
    assertDrop(V3_IPV4, new IpContext(SRC4, GROUP6, 255), DropReason.CHECKSUM, null);
    byte[] m =
        AdvertisementCodec.encode(
            Advertisement.v3(51, 100, 100, List.of(ip("198.18.0.100"))),
            SRC4,
            GROUP4,
            ChecksumMode.MESSAGE_ONLY);
    assertDrop(
        m,
        new IpContext(SRC4, GROUP6, 255),
        DropReason.ADDRESS_FAMILY,
        "source 198.18.0.11 and destination ff02::12 (expected: one address family)");
  }

  @Test
  @DisplayName("RFC 9568 §5.2.7: a zero advertisement interval is dropped")
  void rfc9568_5_2_7_zeroInterval() {
    Advertisement a = Advertisement.v3(51, 100, 1, List.of(ip("198.18.0.100")));
    byte[] m = AdvertisementCodec.encode(a, SRC4, GROUP4, ChecksumMode.MESSAGE_ONLY);
    m[5] = 0;
    fixV3MessageOnlyChecksum(m);
    assertDrop(m, V4, DropReason.ZERO_INTERVAL, "advertisement interval 0 (expected: > 0)");
  }

  @Test
  @DisplayName("RFC 3768 §5.3.7: a zero VRRPv2 interval is dropped")
  void rfc3768_zeroInterval() {
    byte[] m = V2_PASS.clone();
    m[5] = 0;
    fixV2Checksum(m);
    assertDrop(m, V4, DropReason.ZERO_INTERVAL, "advertisement interval 0 (expected: > 0)");
  }

  @Test
  @DisplayName("RFC 9568 §5.2.3: VRID 0 is not a virtual router")
  void rfc9568_5_2_3_vridZero() {
    byte[] m = V2_PASS.clone();
    m[1] = 0;
    fixV2Checksum(m);
    assertDrop(m, V4, DropReason.VRID, "VRID 0 (expected: 1..255)");
  }

  @Test
  @DisplayName("RFC 3768 §5.3.6: an unknown auth type is dropped")
  void rfc3768_5_3_6_unknownAuthType() {
    byte[] m = V2_PASS.clone();
    m[4] = 9;
    fixV2Checksum(m);
    assertDrop(m, V4, DropReason.AUTH, "auth type 9 (expected: 0, 1 or 2)");
  }

  @Test
  @DisplayName("the receive rules run in a fixed order: a packet failing several reports the first")
  void receiveRulesRunInOrder() {
    byte[] m = V3_IPV4.clone();
    m[0] = 0x42; // bad version and type
    m[7] ^= 1; // bad checksum
    assertDrop(m, new IpContext(SRC4, GROUP4, 1), DropReason.TTL, null);
    assertDrop(m, V4, DropReason.VERSION, null);
    m[0] = 0x32;
    assertDrop(m, V4, DropReason.TYPE, null);
    m[0] = 0x31;
    m[3] = 9;
    assertDrop(m, V4, DropReason.LENGTH, null);
    m[3] = 2;
    assertDrop(m, V4, DropReason.CHECKSUM, null);
  }

  @Test
  @DisplayName("an IPv4-mapped IPv6 virtual address stays an IPv6 address")
  void ipv4MappedAddressInAnIpv6AdvertStaysIpv6() throws Exception {
    byte[] m = V3_IPV6.clone();
    byte[] mapped = HexFormat.of().parseHex("00000000000000000000ffffc6120064");
    System.arraycopy(mapped, 0, m, 8, 16);
    m[6] = 0;
    m[7] = 0;
    int c =
        InternetChecksum.withPseudoHeader(
            SRC6, GROUP6, InternetChecksum.PROTOCOL_VRRP, m, 0, m.length);
    m[6] = (byte) (c >>> 8);
    m[7] = (byte) c;
    Advertisement a = AdvertisementCodec.decode(m, V6).advertisement();
    assertThat(a.addresses().getFirst()).isInstanceOf(java.net.Inet6Address.class);
    assertThat(AdvertisementCodec.encode(a, SRC6, GROUP6, ChecksumMode.PSEUDO_HEADER)).isEqualTo(m);
  }

  // ---- keepalived's real packets ----

  static Stream<CapturedFrames.Frame> capturedAdverts() {
    return CapturedFrames.vrrp().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("capturedAdverts")
  @DisplayName("every advertisement keepalived 2.2.7 sent decodes and re-encodes bit-identically")
  void keepalivedAdvertsRoundTripBitIdentically(CapturedFrames.Frame frame) throws Exception {
    ReceivedAdvertisement r = AdvertisementCodec.decode(frame.payload(), frame.ip());
    Advertisement a = r.advertisement();
    assertThat(frame.decode()).contains("vrid " + a.vrid() + ", prio " + a.priority());
    assertThat(r.checksumMode())
        .as("keepalived checksums VRRPv3 IPv4 with the pseudo-header")
        .isEqualTo(
            a.version() == VrrpVersion.V2 ? ChecksumMode.MESSAGE_ONLY : ChecksumMode.PSEUDO_HEADER);
    byte[] again =
        AdvertisementCodec.encode(
            a, frame.ip().source(), frame.ip().destination(), r.checksumMode());
    assertThat(HexFormat.of().formatHex(again))
        .isEqualTo(HexFormat.of().formatHex(frame.payload()));
  }

  @Test
  @DisplayName(
      "the capture holds every kind of advert the issue names, including priority-0 shutdown adverts")
  void captureCoversEveryKind() throws Exception {
    List<Advertisement> adverts = new ArrayList<>();
    for (CapturedFrames.Frame f : CapturedFrames.vrrp()) {
      adverts.add(AdvertisementCodec.decode(f.payload(), f.ip()).advertisement());
    }
    assertThat(adverts).extracting(Advertisement::vrid).contains(51, 52, 53, 54);
    assertThat(adverts)
        .filteredOn(a -> a.priority() == 0)
        .extracting(Advertisement::vrid)
        .containsExactlyInAnyOrder(51, 52, 53, 54);
    assertThat(adverts)
        .filteredOn(a -> a.vrid() == 54)
        .allMatch(a -> a.maxAdvertIntervalCentis() == 200);
    assertThat(adverts)
        .filteredOn(a -> a.vrid() == 53)
        .allMatch(a -> a.family() == AddressFamily.IPV6);
  }

  // ---- Round trips ----

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  @DisplayName("random valid advertisements survive encode/decode (seeded, 500 per seed)")
  void randomRoundTrips(long seed) throws Exception {
    Random rnd = new Random(seed);
    for (int i = 0; i < 500; i++) {
      Advertisement a = randomAdvertisement(rnd);
      boolean v6 = a.family() == AddressFamily.IPV6;
      InetAddress src = v6 ? SRC6 : SRC4;
      InetAddress dst = v6 ? GROUP6 : GROUP4;
      ChecksumMode mode =
          rnd.nextBoolean() ? ChecksumMode.PSEUDO_HEADER : ChecksumMode.MESSAGE_ONLY;
      byte[] m = AdvertisementCodec.encode(a, src, dst, mode);
      ReceivedAdvertisement r = AdvertisementCodec.decode(m, new IpContext(src, dst, 255));
      assertThat(r.advertisement()).as("seed=%d i=%d %s", seed, i, a).isEqualTo(a);
      // Flipping any single bit is caught by some rule (never decodes to a different advert
      // silently).
      int bit = rnd.nextInt(m.length * 8);
      m[bit / 8] ^= (byte) (1 << (bit % 8));
      try {
        ReceivedAdvertisement flipped = AdvertisementCodec.decode(m, new IpContext(src, dst, 255));
        assertThat(flipped.advertisement()).as("seed=%d i=%d bit %d", seed, i, bit).isNotEqualTo(a);
        throw new AssertionError(
            "seed=" + seed + " i=" + i + ": bit " + bit + " flip decoded as " + flipped);
      } catch (MalformedAdvertisementException expected) {
        assertThat(expected.reason()).isNotNull();
      }
    }
  }

  static Advertisement randomAdvertisement(Random rnd) {
    int kind = rnd.nextInt(3);
    int n = rnd.nextInt(kind == 1 ? 20 : 8) + 1;
    List<InetAddress> addrs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] raw = new byte[kind == 1 ? 16 : 4];
      rnd.nextBytes(raw);
      try {
        addrs.add(InetAddress.getByAddress(raw));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    int vrid = rnd.nextInt(255) + 1;
    int prio = rnd.nextInt(256);
    if (kind == 2) {
      boolean auth = rnd.nextBoolean();
      byte[] data = new byte[8];
      if (auth) {
        rnd.nextBytes(data);
      }
      return Advertisement.v2(
          vrid,
          prio,
          rnd.nextInt(255) + 1,
          addrs,
          auth ? AuthType.SIMPLE_TEXT : AuthType.NONE,
          data);
    }
    return Advertisement.v3(vrid, prio, rnd.nextInt(4095) + 1, addrs);
  }

  // ---- helpers ----

  static void assertDrop(byte[] message, IpContext ip, DropReason reason, String text) {
    var assertion =
        assertThatThrownBy(() -> AdvertisementCodec.decode(message, ip))
            .isInstanceOf(MalformedAdvertisementException.class)
            .extracting(e -> ((MalformedAdvertisementException) e).reason())
            .isEqualTo(reason);
    if (text != null) {
      assertThatThrownBy(() -> AdvertisementCodec.decode(message, ip)).hasMessage(text);
    }
  }

  static void fixV2Checksum(byte[] m) {
    m[6] = 0;
    m[7] = 0;
    int c = InternetChecksum.of(m, 0, m.length);
    m[6] = (byte) (c >>> 8);
    m[7] = (byte) c;
  }

  static void fixV3MessageOnlyChecksum(byte[] m) {
    fixV2Checksum(m);
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
