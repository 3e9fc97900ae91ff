package org.vrrpagent.core.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.base.AddressText;

/**
 * Encodes and decodes VRRP advertisements: the IP payload of protocol 112. Stateless and pure: no
 * sockets, no clocks, no configuration.
 *
 * <pre>
 * VRRPv3 (RFC 9568 §5.1)                  VRRPv2 (RFC 3768 §5.1)
 *  0: version 3 | type 1                   0: version 2 | type 1
 *  1: VRID                                 1: VRID
 *  2: priority                             2: priority
 *  3: count of addresses (n)               3: count of addresses (n)
 *  4: rsvd(4) | max adver int (12 bits,    4: auth type
 *  5:   centiseconds)                      5: advertisement interval (seconds)
 *  6: checksum                             6: checksum (message only)
 *  8: n IPv4 (4 bytes) or IPv6 (16) addrs  8: n IPv4 addresses, then 8 bytes auth data
 * </pre>
 *
 * <p>{@link #decode} checks the packet, not policy: whether the VRID is ours, the version is the
 * one we run, the v2 password and interval match our configuration are the virtual router's
 * business.
 */
public final class AdvertisementCodec {
  private AdvertisementCodec() {}

  /** Fixed part of a message: up to and including the checksum. */
  public static final int HEADER_BYTES = 8;

  /** The largest message we read: VRRPv3 over IPv6 with 255 addresses. */
  public static final int MAX_MESSAGE_BYTES = HEADER_BYTES + Advertisement.MAX_ADDRESSES * 16;

  /** A CARP advertisement (OpenBSD, also IP protocol 112, version 2 type 1) is 36 bytes. */
  public static final int CARP_MESSAGE_BYTES = 36;

  /** A VRRPv2 message of 36 bytes carries 5 addresses; a CARP header puts its authlen 7 there. */
  private static final int V2_ADDRESSES_IN_36_BYTES = 5;

  private static final int TYPE_ADVERTISEMENT = 1;
  private static final byte[] NO_AUTH_DATA = new byte[Advertisement.V2_AUTH_DATA_BYTES];

  /** Message length for a version, family and address count. */
  public static int messageLength(VrrpVersion version, AddressFamily family, int addressCount) {
    int length = HEADER_BYTES + addressCount * family.addressBytes();
    return version == VrrpVersion.V2 ? length + Advertisement.V2_AUTH_DATA_BYTES : length;
  }

  /**
   * The VRRP message for {@code advertisement}. {@code source} and {@code destination} are the
   * addresses of the IP packet that will carry it, used by the pseudo-header checksum (VRRPv3);
   * {@code mode} chooses the VRRPv3 IPv4 checksum form (IPv6 always uses the pseudo-header and
   * VRRPv2 never does).
   */
  public static byte[] encode(
      Advertisement advertisement, InetAddress source, InetAddress destination, ChecksumMode mode) {
    Objects.requireNonNull(advertisement, "advertisement");
    Objects.requireNonNull(mode, "mode");
    AddressFamily family = advertisement.family();
    List<InetAddress> addresses = advertisement.addresses();
    byte[] m = new byte[messageLength(advertisement.version(), family, addresses.size())];
    m[0] = (byte) ((advertisement.version().byteValue() << 4) | TYPE_ADVERTISEMENT);
    m[1] = (byte) advertisement.vrid();
    m[2] = (byte) advertisement.priority();
    m[3] = (byte) addresses.size();
    if (advertisement.version() == VrrpVersion.V3) {
      int interval = advertisement.maxAdvertIntervalCentis();
      m[4] = (byte) ((interval >>> 8) & 0x0f);
      m[5] = (byte) interval;
    } else {
      m[4] = advertisement.authType().byteValue();
      m[5] = (byte) (advertisement.maxAdvertIntervalCentis() / 100);
    }
    int at = HEADER_BYTES;
    for (InetAddress a : addresses) {
      byte[] raw = a.getAddress();
      System.arraycopy(raw, 0, m, at, raw.length);
      at += raw.length;
    }
    if (advertisement.version() == VrrpVersion.V2) {
      System.arraycopy(advertisement.authData(), 0, m, at, Advertisement.V2_AUTH_DATA_BYTES);
    }
    int checksum;
    if (usesPseudoHeader(advertisement.version(), family, mode)) {
      requireFamily(family, Objects.requireNonNull(source, "source"), "source");
      requireFamily(family, Objects.requireNonNull(destination, "destination"), "destination");
      checksum =
          InternetChecksum.withPseudoHeader(
              source, destination, InternetChecksum.PROTOCOL_VRRP, m, 0, m.length);
    } else {
      checksum = InternetChecksum.of(m, 0, m.length);
    }
    m[6] = (byte) (checksum >>> 8);
    m[7] = (byte) checksum;
    return m;
  }

  private static boolean usesPseudoHeader(
      VrrpVersion version, AddressFamily family, ChecksumMode mode) {
    if (version == VrrpVersion.V2) {
      return false;
    }
    return family == AddressFamily.IPV6 || mode == ChecksumMode.PSEUDO_HEADER;
  }

  private static void requireFamily(AddressFamily family, InetAddress address, String what) {
    if (!family.matches(address)) {
      throw new IllegalArgumentException(
          what + " " + AddressText.of(address) + " (expected: " + family + ")");
    }
  }

  /**
   * Runs the receive checks of RFC 9568 §7.1 (and RFC 3768 §7.1 for v2) on one received message, in
   * this fixed order, and throws with the first that fails:
   *
   * <ol>
   *   <li>{@link DropReason#TTL}: TTL / hop limit is 255 (the packet was not routed);
   *   <li>{@link DropReason#TOO_SHORT}: the fixed 8 bytes are there;
   *   <li>{@link DropReason#VERSION}: version 2 or 3, and v2 only over IPv4;
   *   <li>{@link DropReason#TYPE}: type 1 (advertisement);
   *   <li>{@link DropReason#NOT_VRRP}: not a CARP advertisement (same protocol number, 36 bytes);
   *   <li>{@link DropReason#LENGTH}: exactly the length the address count calls for;
   *   <li>{@link DropReason#CHECKSUM}: the checksum verifies (v3 IPv4: either form);
   *   <li>{@link DropReason#ADDRESS_FAMILY}: source and destination are of one family;
   *   <li>{@link DropReason#UNSPECIFIED_SOURCE}: the source is not 0.0.0.0 or {@code ::} (no router
   *       has that address; whoever sends from it hides who it is);
   *   <li>{@link DropReason#ZERO_INTERVAL}: the advertisement interval is not zero;
   *   <li>{@link DropReason#VRID}, {@link DropReason#AUTH}: VRID 0 and unknown auth types can't be
   *       represented and are dropped here; whether a valid VRID or password is ours is policy.
   * </ol>
   */
  public static ReceivedAdvertisement decode(byte[] message, IpContext ip)
      throws MalformedAdvertisementException {
    return decode(message, ip, TtlWindow.RFC);
  }

  /**
   * {@link #decode(byte[], IpContext)} with the first check relaxed to {@code ttl}: the TTL / hop
   * limit must lie in it ({@link DropReason#TTL} when the window is the RFC's 255, {@link
   * DropReason#PEER_TTL} for a unicast peer's own window). Every other check is the same.
   */
  public static ReceivedAdvertisement decode(byte[] message, IpContext ip, TtlWindow ttl)
      throws MalformedAdvertisementException {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(ttl, "ttl");
    if (!ttl.contains(ip.ttlOrHopLimit())) {
      String what = (isIpv4(ip) ? "TTL " : "hop limit ") + ip.ttlOrHopLimit();
      throw ttl.isRfc()
          ? new MalformedAdvertisementException(DropReason.TTL, what + " (expected: 255)")
          : new MalformedAdvertisementException(
              DropReason.PEER_TTL, what + " (expected: " + ttl + ", the peer's min-ttl..max-ttl)");
    }
    if (message.length < HEADER_BYTES) {
      throw new MalformedAdvertisementException(
          DropReason.TOO_SHORT, "message of " + message.length + " bytes (expected: at least 8)");
    }
    if (message.length > MAX_MESSAGE_BYTES) {
      throw new MalformedAdvertisementException(
          DropReason.LENGTH,
          "message of " + message.length + " bytes (expected: at most " + MAX_MESSAGE_BYTES + ")");
    }
    int versionNibble = (message[0] >>> 4) & 0x0f;
    int type = message[0] & 0x0f;
    VrrpVersion version;
    if (versionNibble == 3) {
      version = VrrpVersion.V3;
    } else if (versionNibble == 2) {
      version = VrrpVersion.V2;
      if (!isIpv4(ip)) {
        throw new MalformedAdvertisementException(
            DropReason.VERSION, "VRRPv2 over IPv6 (expected: version 3)");
      }
    } else {
      throw new MalformedAdvertisementException(
          DropReason.VERSION, "version " + versionNibble + " (expected: 2 or 3)");
    }
    if (type != TYPE_ADVERTISEMENT) {
      throw new MalformedAdvertisementException(
          DropReason.TYPE, "type " + type + " (expected: 1, advertisement)");
    }
    int count = message[3] & 0xff;
    if (version == VrrpVersion.V2
        && message.length == CARP_MESSAGE_BYTES
        && count != V2_ADDRESSES_IN_36_BYTES) {
      // OpenBSD CARP shares protocol 112, version 2 and type 1; its 36-byte header has the
      // auth length (7) where VRRP has the address count. Read as VRRP it would be nonsense.
      throw new MalformedAdvertisementException(
          DropReason.NOT_VRRP,
          "36-byte message with count " + count + ": a CARP advertisement (expected: VRRP)");
    }
    AddressFamily family = isIpv4(ip) ? AddressFamily.IPV4 : AddressFamily.IPV6;
    int expectedLength = messageLength(version, family, count);
    if (message.length != expectedLength) {
      throw new MalformedAdvertisementException(
          DropReason.LENGTH,
          "message of "
              + message.length
              + " bytes for "
              + count
              + " "
              + family
              + " address(es) (expected: "
              + expectedLength
              + ")");
    }
    ChecksumMode checksumMode = verifyChecksum(message, version, ip);
    if (family.matches(ip.source()) != family.matches(ip.destination())) {
      throw new MalformedAdvertisementException(
          DropReason.ADDRESS_FAMILY,
          "source "
              + AddressText.of(ip.source())
              + " and destination "
              + AddressText.of(ip.destination())
              + " (expected: one address family)");
    }
    if (ip.source().isAnyLocalAddress()) {
      throw new MalformedAdvertisementException(
          DropReason.UNSPECIFIED_SOURCE,
          "source " + AddressText.of(ip.source()) + " (expected: the sender's own address)");
    }
    int intervalCentis =
        version == VrrpVersion.V3
            ? ((message[4] & 0x0f) << 8) | (message[5] & 0xff)
            : (message[5] & 0xff) * 100;
    if (intervalCentis == 0) {
      throw new MalformedAdvertisementException(
          DropReason.ZERO_INTERVAL, "advertisement interval 0 (expected: > 0)");
    }
    int vrid = message[1] & 0xff;
    if (vrid == 0) {
      throw new MalformedAdvertisementException(DropReason.VRID, "VRID 0 (expected: 1..255)");
    }
    List<InetAddress> addresses = new ArrayList<>(count);
    int width = family.addressBytes();
    for (int i = 0, at = HEADER_BYTES; i < count; i++, at += width) {
      addresses.add(address(Arrays.copyOfRange(message, at, at + width)));
    }
    int priority = message[2] & 0xff;
    Advertisement advertisement;
    if (version == VrrpVersion.V3) {
      advertisement =
          new Advertisement(
              version,
              family,
              vrid,
              priority,
              intervalCentis,
              addresses,
              AuthType.NONE,
              new byte[0]);
    } else {
      AuthType authType = authType(message[4]);
      // RFC 3768 §5.3.10: with no authentication the auth data is ignored on reception.
      byte[] authData =
          authType == AuthType.NONE
              ? NO_AUTH_DATA
              : Arrays.copyOfRange(
                  message, message.length - Advertisement.V2_AUTH_DATA_BYTES, message.length);
      advertisement =
          new Advertisement(
              version, family, vrid, priority, intervalCentis, addresses, authType, authData);
    }
    return new ReceivedAdvertisement(
        advertisement, ip.source(), checksumMode, ip.destination(), ip.sourceOnLink());
  }

  private static ChecksumMode verifyChecksum(byte[] message, VrrpVersion version, IpContext ip)
      throws MalformedAdvertisementException {
    int found = ((message[6] & 0xff) << 8) | (message[7] & 0xff);
    byte[] zeroed = message.clone();
    zeroed[6] = 0;
    zeroed[7] = 0;
    int messageOnly = InternetChecksum.of(zeroed, 0, zeroed.length);
    if (version == VrrpVersion.V2) {
      if (found == messageOnly) {
        return ChecksumMode.MESSAGE_ONLY;
      }
      throw checksumMismatch(found, "0x" + hex(messageOnly));
    }
    int pseudo =
        InternetChecksum.withPseudoHeader(
            ip.source(),
            ip.destination(),
            InternetChecksum.PROTOCOL_VRRP,
            zeroed,
            0,
            zeroed.length);
    if (found == pseudo) {
      return ChecksumMode.PSEUDO_HEADER;
    }
    if (isIpv4(ip)) {
      // RFC 9568 §5.2.8: IPv4 senders may checksum the message alone.
      if (found == messageOnly) {
        return ChecksumMode.MESSAGE_ONLY;
      }
      throw checksumMismatch(
          found, "0x" + hex(pseudo) + " with pseudo-header or 0x" + hex(messageOnly) + " without");
    }
    throw checksumMismatch(found, "0x" + hex(pseudo) + " with pseudo-header");
  }

  private static MalformedAdvertisementException checksumMismatch(int found, String expected) {
    return new MalformedAdvertisementException(
        DropReason.CHECKSUM, "checksum 0x" + hex(found) + " (expected: " + expected + ")");
  }

  private static AuthType authType(byte value) throws MalformedAdvertisementException {
    try {
      return AuthType.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new MalformedAdvertisementException(DropReason.AUTH, e.getMessage());
    }
  }

  private static boolean isIpv4(IpContext ip) {
    return ip.source() instanceof Inet4Address;
  }

  private static InetAddress address(byte[] raw) {
    try {
      // Inet6Address.getByAddress keeps an IPv4-mapped ::ffff:a.b.c.d an IPv6 address;
      // InetAddress.getByAddress would turn it into an Inet4Address of the wrong family.
      return raw.length == 16
          ? Inet6Address.getByAddress(null, raw, -1)
          : InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always an address", e);
    }
  }

  private static String hex(int value) {
    return String.format("%04x", value);
  }
}
