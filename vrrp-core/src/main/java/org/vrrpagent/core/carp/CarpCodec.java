package org.vrrpagent.core.carp;

import java.net.Inet4Address;
import java.util.Arrays;
import java.util.Objects;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.InternetChecksum;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;

/**
 * Encodes and decodes CARP advertisements: the 36-byte IP payload of protocol 112 that OpenBSD's
 * carp(4) and ucarp send. Stateless and pure, like the VRRP codec beside it.
 *
 * <pre>
 *  0: version 2 | type 1 (advertisement)
 *  1: vhid
 *  2: advskew
 *  3: authlen, always 7 (32-bit words of counter and digest)
 *  4: demote (OpenBSD's demotion counter; ucarp sends 0)
 *  5: advbase (seconds)
 *  6: checksum (Internet checksum of these 36 bytes alone, no pseudo-header)
 *  8: counter (64 bits, network order)
 * 16: HMAC-SHA1 digest (20 bytes)
 * </pre>
 *
 * <p>CARP and VRRP share protocol number 112, version 2 and type 1. They are told apart by byte 3:
 * a 36-byte VRRPv2 message has an address count of 5 there, a CARP one its authlen of 7 ({@link
 * #isCarp}). The VRRP codec drops a CARP message as {@code not_vrrp}; this one reads only CARP.
 *
 * <p>{@link #decode} checks the packet, not policy: whether the vhid is ours and the digest
 * verifies with our passphrase and addresses are the CARP router's business.
 */
public final class CarpCodec {
  private CarpCodec() {}

  /** Every CARP advertisement is this long. */
  public static final int MESSAGE_BYTES = 36;

  /** carp(4)'s CARP_VERSION. */
  public static final int VERSION = 2;

  /** carp(4)'s CARP_ADVERTISEMENT, the only type. */
  public static final int TYPE_ADVERTISEMENT = 1;

  /** Counter and digest, in 32-bit words. */
  public static final int AUTH_LENGTH_WORDS = 7;

  private static final int REQUIRED_TTL = 255;

  /** Whether a protocol-112 payload is a CARP advertisement (and not VRRP), by its shape alone. */
  public static boolean isCarp(byte[] message) {
    return message.length == MESSAGE_BYTES
        && (message[0] & 0xff) == (VERSION << 4 | TYPE_ADVERTISEMENT)
        && (message[3] & 0xff) == AUTH_LENGTH_WORDS;
  }

  /** The 36 bytes for {@code advertisement}, checksum included. */
  public static byte[] encode(CarpAdvertisement advertisement) {
    Objects.requireNonNull(advertisement, "advertisement");
    byte[] m = new byte[MESSAGE_BYTES];
    m[0] = (byte) (VERSION << 4 | TYPE_ADVERTISEMENT);
    m[1] = (byte) advertisement.vhid();
    m[2] = (byte) advertisement.advskew();
    m[3] = AUTH_LENGTH_WORDS;
    m[4] = (byte) advertisement.demote();
    m[5] = (byte) advertisement.advbase();
    writeCounter(m, 8, advertisement.counter());
    System.arraycopy(advertisement.digest(), 0, m, 16, CarpAdvertisement.DIGEST_BYTES);
    int checksum = InternetChecksum.of(m, 0, m.length);
    m[6] = (byte) (checksum >>> 8);
    m[7] = (byte) checksum;
    return m;
  }

  /**
   * The counter's 8 bytes as they stand in the message (network order), which is also how the
   * digest covers them.
   */
  public static byte[] counterBytes(long counter) {
    byte[] b = new byte[8];
    writeCounter(b, 0, counter);
    return b;
  }

  private static void writeCounter(byte[] into, int at, long counter) {
    for (int i = 0; i < 8; i++) {
      into[at + i] = (byte) (counter >>> (56 - 8 * i));
    }
  }

  /**
   * Runs the receive checks carp(4) runs on the packet itself, in this order, and throws with the
   * first that fails:
   *
   * <ol>
   *   <li>{@link DropReason#TTL}: TTL / hop limit 255 (the packet was not routed);
   *   <li>{@link DropReason#TOO_SHORT} / {@link DropReason#LENGTH}: exactly 36 bytes;
   *   <li>{@link DropReason#VERSION}: version 2;
   *   <li>{@link DropReason#TYPE}: type 1 (advertisement);
   *   <li>{@link DropReason#LENGTH}: authlen 7;
   *   <li>{@link DropReason#CHECKSUM}: the checksum of the 36 bytes verifies;
   *   <li>{@link DropReason#ADDRESS_FAMILY}: source and destination are of one family;
   *   <li>{@link DropReason#VRID}: vhid is not 0;
   *   <li>{@link DropReason#ZERO_INTERVAL}: advbase and advskew are not both 0.
   * </ol>
   */
  public static CarpAdvertisement decode(byte[] message, IpContext ip)
      throws MalformedAdvertisementException {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(ip, "ip");
    if (ip.ttlOrHopLimit() != REQUIRED_TTL) {
      throw new MalformedAdvertisementException(
          DropReason.TTL,
          (ip.source() instanceof Inet4Address ? "TTL " : "hop limit ")
              + ip.ttlOrHopLimit()
              + " (expected: 255)");
    }
    if (message.length < MESSAGE_BYTES) {
      throw new MalformedAdvertisementException(
          DropReason.TOO_SHORT,
          "CARP message of " + message.length + " bytes (expected: " + MESSAGE_BYTES + ")");
    }
    if (message.length > MESSAGE_BYTES) {
      throw new MalformedAdvertisementException(
          DropReason.LENGTH,
          "CARP message of " + message.length + " bytes (expected: " + MESSAGE_BYTES + ")");
    }
    int version = (message[0] >>> 4) & 0x0f;
    if (version != VERSION) {
      throw new MalformedAdvertisementException(
          DropReason.VERSION, "CARP version " + version + " (expected: 2)");
    }
    int type = message[0] & 0x0f;
    if (type != TYPE_ADVERTISEMENT) {
      throw new MalformedAdvertisementException(
          DropReason.TYPE, "CARP type " + type + " (expected: 1, advertisement)");
    }
    int authLength = message[3] & 0xff;
    if (authLength != AUTH_LENGTH_WORDS) {
      throw new MalformedAdvertisementException(
          DropReason.LENGTH,
          "CARP authlen " + authLength + " (expected: " + AUTH_LENGTH_WORDS + ")");
    }
    if (InternetChecksum.of(message, 0, message.length) != 0) {
      int found = ((message[6] & 0xff) << 8) | (message[7] & 0xff);
      byte[] zeroed = message.clone();
      zeroed[6] = 0;
      zeroed[7] = 0;
      throw new MalformedAdvertisementException(
          DropReason.CHECKSUM,
          String.format(
              "CARP checksum 0x%04x (expected: 0x%04x)",
              found, InternetChecksum.of(zeroed, 0, zeroed.length)));
    }
    if ((ip.source() instanceof Inet4Address) != (ip.destination() instanceof Inet4Address)) {
      throw new MalformedAdvertisementException(
          DropReason.ADDRESS_FAMILY,
          "source "
              + AddressText.of(ip.source())
              + " and destination "
              + AddressText.of(ip.destination())
              + " (expected: one address family)");
    }
    int vhid = message[1] & 0xff;
    if (vhid == 0) {
      throw new MalformedAdvertisementException(DropReason.VRID, "vhid 0 (expected: 1..255)");
    }
    int advskew = message[2] & 0xff;
    int advbase = message[5] & 0xff;
    if (advbase == 0 && advskew == 0) {
      throw new MalformedAdvertisementException(
          DropReason.ZERO_INTERVAL, "advbase 0 and advskew 0 (expected: an interval above 0)");
    }
    long counter = 0;
    for (int i = 8; i < 16; i++) {
      counter = counter << 8 | (message[i] & 0xff);
    }
    return new CarpAdvertisement(
        vhid,
        advskew,
        advbase,
        message[4] & 0xff,
        counter,
        Arrays.copyOfRange(message, 16, MESSAGE_BYTES));
  }
}
