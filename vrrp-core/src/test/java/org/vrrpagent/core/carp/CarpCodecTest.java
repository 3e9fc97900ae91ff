package org.vrrpagent.core.carp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.CapturedFrames;
import org.vrrpagent.core.wire.CapturedFrames.Frame;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;

/**
 * The CARP codec against what Debian's ucarp 1.5.2 put on the wire ({@code vectors/ucarp/}: {@code
 * ucarp -v 60 -p secret -a 198.18.1.110}, advbase 1, advskew 0 alone; then a pair with advskew 50
 * and 0), and one negative test per receive rule.
 */
class CarpCodecTest {
  static final InetAddress VIP = InetAddress.ofLiteral("198.18.1.110");
  static final InetAddress SRC = InetAddress.ofLiteral("198.18.1.11");
  static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");
  static final IpContext IP = new IpContext(SRC, GROUP, 255);

  static List<Frame> ucarpAdverts() {
    List<Frame> frames = new java.util.ArrayList<>();
    frames.addAll(CapturedFrames.pcap("/vectors/ucarp/ucarp.pcap"));
    frames.addAll(CapturedFrames.pcap("/vectors/ucarp/ucarp-pair.pcap"));
    return frames.stream().filter(Frame::isVrrp).toList();
  }

  /** The first advertisement of ucarp.pcap, field by field. */
  static final byte[] FIRST =
      HexFormat.of()
          .parseHex(
              "21" // version 2, type 1 (advertisement)
                  + "3c" // vhid 60
                  + "00" // advskew 0
                  + "07" // authlen 7
                  + "00" // demote 0 (ucarp's pad1)
                  + "01" // advbase 1 s
                  + "99a1" // checksum of the 36 bytes
                  + "dc1b94164ea4510f" // counter 15860433336244916495
                  + "5d3aa387d43a223650bc46849189f0b84ed7d5a6"); // HMAC-SHA1

  @Test
  void everyUcarpAdvertisementDecodesVerifiesAndReencodesBitIdentically() throws Exception {
    List<Frame> adverts = ucarpAdverts();
    assertThat(adverts).hasSizeGreaterThanOrEqualTo(15);
    CarpDigest digest = CarpDigest.forPassphrase("secret");
    for (Frame f : adverts) {
      assertThat(CarpCodec.isCarp(f.payload())).as(f.decode()).isTrue();
      CarpAdvertisement a = CarpCodec.decode(f.payload(), f.ip());
      assertThat(a.vhid()).isEqualTo(60);
      assertThat(a.advbase()).isEqualTo(1);
      assertThat(a.advskew()).isIn(0, 50);
      assertThat(a.demote()).isZero();
      assertThat(digest.verify(a, List.of(VIP))).as("digest of %s", f.decode()).isTrue();
      assertThat(digest.compute(a.vhid(), List.of(VIP), a.counter())).isEqualTo(a.digest());
      assertThat(CarpCodec.encode(a)).as(f.decode()).isEqualTo(f.payload());
    }
  }

  @Test
  void theFirstAdvertisementFieldByField() throws Exception {
    Frame first = ucarpAdverts().getFirst();
    assertThat(first.payload()).isEqualTo(FIRST);
    CarpAdvertisement a = CarpCodec.decode(FIRST, IP);
    assertThat(a.counter()).isEqualTo(Long.parseUnsignedLong("15860433336244916495"));
    assertThat(a.intervalMicros()).isEqualTo(1_000_000);
    assertThat(a.bowsOut()).isFalse();
    // ucarp's adverts leave from the CARP virtual MAC 00:00:5e:00:00:VHID, with TOS 0x10.
    assertThat(Arrays.copyOfRange(first.ethernet(), 6, 12))
        .isEqualTo(HexFormat.of().parseHex("00005e00003c"));
    assertThat(first.ethernet()[15]).isEqualTo((byte) 0x10);
  }

  @Test
  void advskewFiftyIsAnIntervalOf1195312Microseconds() throws Exception {
    CarpAdvertisement fifty =
        ucarpAdverts().stream()
            .map(f -> decodeUnchecked(f))
            .filter(a -> a.advskew() == 50)
            .findFirst()
            .orElseThrow();
    assertThat(fifty.intervalMicros()).isEqualTo(1_000_000 + 50 * 1_000_000 / 256);
  }

  @Test
  void aWrongPassphraseAVhidOrAnAddressDoNotVerify() throws Exception {
    CarpAdvertisement a = CarpCodec.decode(FIRST, IP);
    assertThat(CarpDigest.forPassphrase("secreT").verify(a, List.of(VIP))).isFalse();
    assertThat(CarpDigest.forPassphrase("").verify(a, List.of(VIP))).isFalse();
    assertThat(
            CarpDigest.forPassphrase("secret")
                .verify(a, List.of(InetAddress.ofLiteral("198.18.1.111"))))
        .isFalse();
    CarpAdvertisement otherVhid = new CarpAdvertisement(61, 0, 1, 0, a.counter(), a.digest());
    assertThat(CarpDigest.forPassphrase("secret").verify(otherVhid, List.of(VIP))).isFalse();
  }

  @Test
  void ucarpAndVrrpAreToldApartOnOneProtocolNumber() {
    for (Frame f : ucarpAdverts()) {
      assertThatThrownBy(() -> AdvertisementCodec.decode(f.payload(), f.ip()))
          .isInstanceOfSatisfying(
              MalformedAdvertisementException.class,
              e -> assertThat(e.reason()).isEqualTo(DropReason.NOT_VRRP));
    }
    List<Frame> keepalived = CapturedFrames.vrrp();
    assertThat(keepalived).isNotEmpty();
    for (Frame f : keepalived) {
      assertThat(CarpCodec.isCarp(f.payload())).as(f.decode()).isFalse();
      if (f.payload().length != CarpCodec.MESSAGE_BYTES) {
        assertThatThrownBy(() -> CarpCodec.decode(f.payload(), f.ip()))
            .isInstanceOf(MalformedAdvertisementException.class);
      }
    }
  }

  @Test
  void encodeWritesEveryFieldAtItsOffset() {
    byte[] digest = new byte[20];
    Arrays.fill(digest, (byte) 0xab);
    byte[] m = CarpCodec.encode(new CarpAdvertisement(7, 254, 3, 2, 0x0102030405060708L, digest));
    assertThat(m).hasSize(36);
    assertThat(m[0]).isEqualTo((byte) 0x21);
    assertThat(m[1]).isEqualTo((byte) 7);
    assertThat(m[2]).isEqualTo((byte) 254);
    assertThat(m[3]).isEqualTo((byte) 7);
    assertThat(m[4]).isEqualTo((byte) 2);
    assertThat(m[5]).isEqualTo((byte) 3);
    assertThat(Arrays.copyOfRange(m, 8, 16)).isEqualTo(HexFormat.of().parseHex("0102030405060708"));
    assertThat(Arrays.copyOfRange(m, 16, 36)).isEqualTo(digest);
    assertThat(org.vrrpagent.core.wire.InternetChecksum.of(m, 0, 36)).isZero();
  }

  @Test
  void ttlBelow255IsDropped() {
    assertDropped(FIRST, new IpContext(SRC, GROUP, 254), DropReason.TTL, "TTL 254 (expected: 255)");
  }

  @Test
  void shortAndLongMessagesAreDropped() {
    assertDropped(
        Arrays.copyOf(FIRST, 35),
        IP,
        DropReason.TOO_SHORT,
        "CARP message of 35 bytes (expected: 36)");
    assertDropped(
        Arrays.copyOf(FIRST, 40), IP, DropReason.LENGTH, "CARP message of 40 bytes (expected: 36)");
  }

  @Test
  void versionTypeAndAuthlenAreChecked() {
    assertDropped(with(FIRST, 0, 0x31), IP, DropReason.VERSION, "CARP version 3 (expected: 2)");
    assertDropped(
        with(FIRST, 0, 0x22), IP, DropReason.TYPE, "CARP type 2 (expected: 1, advertisement)");
    assertDropped(with(FIRST, 3, 5), IP, DropReason.LENGTH, "CARP authlen 5 (expected: 7)");
  }

  @Test
  void aBadChecksumIsDropped() {
    byte[] m = FIRST.clone();
    m[20] ^= 1; // a digest bit: the checksum no longer matches
    assertDropped(m, IP, DropReason.CHECKSUM, "CARP checksum 0x99a1 (expected: 0x");
  }

  @Test
  void mixedFamiliesVhidZeroAndAZeroIntervalAreDropped() {
    assertDropped(
        FIRST,
        new IpContext(SRC, InetAddress.ofLiteral("ff02::12"), 255),
        DropReason.ADDRESS_FAMILY,
        "source 198.18.1.11 and destination ff02::12 (expected: one address family)");
    assertDropped(recheck(with(FIRST, 1, 0)), IP, DropReason.VRID, "vhid 0 (expected: 1..255)");
    assertDropped(
        recheck(with(FIRST, 5, 0)),
        IP,
        DropReason.ZERO_INTERVAL,
        "advbase 0 and advskew 0 (expected: an interval above 0)");
  }

  @Test
  void aPassphraseLongerThanTheKeyIsRefused() {
    assertThat(CarpDigest.forPassphrase("x".repeat(20))).isNotNull();
    assertThatThrownBy(() -> CarpDigest.forPassphrase("x".repeat(21)))
        .hasMessage("CARP passphrase of 21 bytes (expected: at most 20; ucarp takes at most 19)");
  }

  @Test
  void addressesAreHashedSmallestFirstIpv4ThenIpv6() {
    CarpDigest d = CarpDigest.forPassphrase("secret");
    InetAddress a = InetAddress.ofLiteral("198.18.1.110");
    InetAddress b = InetAddress.ofLiteral("198.18.1.9");
    InetAddress c = InetAddress.ofLiteral("fd00:198:18::1");
    byte[] one = d.compute(9, List.of(a, b, c), 42);
    assertThat(d.compute(9, List.of(c, a, b), 42)).isEqualTo(one);
    assertThat(d.compute(9, List.of(b, c, a, b), 42))
        .as("a duplicate is hashed once")
        .isEqualTo(one);
    assertThat(d.compute(9, List.of(a, c), 42)).isNotEqualTo(one);
  }

  @Test
  void anIpv6DigestByteForByteAsCarp4DescribesIt() throws Exception {
    // Built here from carp(4)'s description, not from CarpDigest: HMAC-SHA1 keyed with the
    // passphrase zero-padded to 20 bytes, over version 2, type 1, the vhid, the IPv4 addresses
    // (none), the IPv6 ones smallest first with link-local ones left out (what carp(4) sends),
    // then the counter in network order.
    InetAddress low = InetAddress.ofLiteral("fd00:198:18::53");
    InetAddress high = InetAddress.ofLiteral("fd00:198:18::1:53");
    InetAddress linkLocal = InetAddress.ofLiteral("fe80::53");
    java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
    message.write(new byte[] {2, 1, 60});
    message.write(low.getAddress());
    message.write(high.getAddress());
    message.write(HexFormat.of().parseHex("0123456789abcdef"));
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
    mac.init(
        new javax.crypto.spec.SecretKeySpec(
            Arrays.copyOf("secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), 20),
            "HmacSHA1"));
    byte[] expected = mac.doFinal(message.toByteArray());

    CarpDigest d = CarpDigest.forPassphrase("secret");
    long counter = 0x0123456789abcdefL;
    assertThat(d.compute(60, List.of(high, linkLocal, low), counter)).isEqualTo(expected);
    CarpAdvertisement advert = new CarpAdvertisement(60, 0, 1, 0, counter, expected);
    assertThat(d.verify(advert, List.of(low, high))).isTrue();
    assertThat(d.verify(advert, List.of(low, high, linkLocal))).isTrue();
    assertThat(d.verify(advert, List.of(low))).isFalse();
    // The message on the wire: the codec is the same for IPv6 (no pseudo-header in the checksum),
    // and the hop limit must be 255.
    IpContext v6 =
        new IpContext(
            InetAddress.ofLiteral("fe80::1"), InetAddress.ofLiteral("ff02::12"), 255, true);
    assertThat(CarpCodec.decode(CarpCodec.encode(advert), v6)).isEqualTo(advert);
    assertThatThrownBy(
            () ->
                CarpCodec.decode(
                    CarpCodec.encode(advert),
                    new IpContext(
                        InetAddress.ofLiteral("fe80::1"),
                        InetAddress.ofLiteral("ff02::12"),
                        254,
                        true)))
        .isInstanceOf(MalformedAdvertisementException.class)
        .hasMessageContaining("hop limit 254 (expected: 255)");
  }

  @Test
  void openBsdPeersThatLeaveOutIpv6LinkLocalAddressesVerifyToo() {
    CarpDigest d = CarpDigest.forPassphrase("pw");
    InetAddress global = InetAddress.ofLiteral("fd00:198:18::53");
    InetAddress linkLocal = InetAddress.ofLiteral("fe80::5:53");
    byte[] withoutLinkLocal = d.compute(5, List.of(global), 7);
    CarpAdvertisement advert = new CarpAdvertisement(5, 0, 1, 0, 7, withoutLinkLocal);
    assertThat(d.verify(advert, List.of(global, linkLocal))).isTrue();
    assertThat(
            d.verify(
                new CarpAdvertisement(5, 0, 1, 0, 7, d.compute(5, List.of(global, linkLocal), 7)),
                List.of(global, linkLocal)))
        .isTrue();
    assertThat(d.verify(advert, List.of(InetAddress.ofLiteral("fd00:198:18::54"), linkLocal)))
        .isFalse();
  }

  @Test
  void openBsdsDemoteCounterTravelsInByte4OutsideTheDigest() throws Exception {
    // carp(4) puts its group demotion count in the byte ucarp leaves 0 (ucarp's pad1). The HMAC
    // covers version, type, vhid, addresses and counter only, so ucarp's captured advert with a
    // demote count of 3 still verifies; only the checksum changes, by RFC 1624's incremental
    // update (the 16-bit word at offset 4 goes from 0x0001 to 0x0301: demote 3, advbase 1).
    byte[] demoted = FIRST.clone();
    demoted[4] = 3;
    int oldChecksum = ((FIRST[6] & 0xff) << 8) | (FIRST[7] & 0xff);
    int oldWord = ((FIRST[4] & 0xff) << 8) | (FIRST[5] & 0xff);
    int newWord = ((demoted[4] & 0xff) << 8) | (demoted[5] & 0xff);
    int sum = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + newWord;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    int newChecksum = ~sum & 0xffff;
    demoted[6] = (byte) (newChecksum >>> 8);
    demoted[7] = (byte) newChecksum;

    CarpAdvertisement a = CarpCodec.decode(demoted, IP);
    assertThat(a.demote()).isEqualTo(3);
    assertThat(a.advbase()).isEqualTo(1);
    assertThat(CarpDigest.forPassphrase("secret").verify(a, List.of(VIP))).isTrue();
    assertThat(CarpCodec.encode(a)).isEqualTo(demoted);
    CarpAdvertisement original = CarpCodec.decode(FIRST, IP);
    assertThat(
            CarpCodec.encode(
                new CarpAdvertisement(
                    original.vhid(),
                    original.advskew(),
                    original.advbase(),
                    3,
                    original.counter(),
                    original.digest())))
        .isEqualTo(demoted);
    // 255 is the most carp(4) sends (its count is capped there).
    assertThat(CarpCodec.decode(recheck(with(FIRST, 4, 255)), IP).demote()).isEqualTo(255);
  }

  private static CarpAdvertisement decodeUnchecked(Frame f) {
    try {
      return CarpCodec.decode(f.payload(), f.ip());
    } catch (MalformedAdvertisementException e) {
      throw new AssertionError(f.decode() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] with(byte[] m, int at, int value) {
    byte[] c = m.clone();
    c[at] = (byte) value;
    return c;
  }

  /** The message with its checksum recomputed, so that a later rule is the one that fails. */
  private static byte[] recheck(byte[] m) {
    m[6] = 0;
    m[7] = 0;
    int sum = org.vrrpagent.core.wire.InternetChecksum.of(m, 0, m.length);
    m[6] = (byte) (sum >>> 8);
    m[7] = (byte) sum;
    return m;
  }

  private static void assertDropped(
      byte[] m, IpContext ip, DropReason reason, String messageStart) {
    assertThatThrownBy(() -> CarpCodec.decode(m, ip))
        .isInstanceOfSatisfying(
            MalformedAdvertisementException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).startsWith(messageStart);
            });
  }
}
