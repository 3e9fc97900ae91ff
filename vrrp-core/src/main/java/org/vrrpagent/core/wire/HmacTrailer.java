package org.vrrpagent.core.wire;

import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * vrrp-agent's own authentication of adverts between vrrp-agent peers ({@code auth: { type:
 * hmac-sha256 }}, docs/geo-failover.md): a trailer appended after the VRRP message. It is not part
 * of any RFC and not interoperable: keepalived, FRR and a vrrp-agent without the setting drop such
 * an advert (its length does not match its address count). The VRRP message before it is unchanged,
 * checksum included.
 *
 * <pre>
 *  0: 'v' 'a'     magic (0x76 0x61)
 *  2: 1           trailer version
 *  3: 0           reserved (sent as 0, ignored)
 *  4: sequence    8 bytes, big-endian: the sender's clock in microseconds since the epoch,
 *                 strictly increasing from advert to advert
 * 12: HMAC-SHA256 32 bytes over: the IP source address, the IP destination address (4 or 16
 *                 bytes each, as in the IP header), the VRRP message, trailer bytes 0..11
 * </pre>
 *
 * Stateless and pure like {@link AdvertisementCodec}: the caller owns the {@link Mac} (initialised
 * with the secret, reused) and the scratch buffer, so signing and verifying allocate nothing of
 * their own. Replay state (the last sequence accepted from each peer) is the caller's too.
 */
public final class HmacTrailer {
  private HmacTrailer() {}

  /** Length of the trailer. */
  public static final int BYTES = 44;

  /** Length of the HMAC-SHA256 value at its end. */
  public static final int MAC_BYTES = 32;

  /** The JCA name of the MAC. */
  public static final String ALGORITHM = "HmacSHA256";

  /** The shortest secret accepted: as long as the hash (RFC 2104 §3: less is weaker). */
  public static final int MIN_SECRET_BYTES = 32;

  private static final int SEQUENCE_OFFSET = 4;
  private static final int SIGNED_HEADER_BYTES = 12;
  private static final byte MAGIC_0 = 0x76; // 'v'
  private static final byte MAGIC_1 = 0x61; // 'a'
  private static final byte VERSION = 1;

  /**
   * Writes the trailer for {@code sequence} into {@code packet} at {@code messageLength} (the VRRP
   * message occupies {@code packet[0..messageLength)}; {@code packet} is at least {@code
   * messageLength + BYTES} long).
   *
   * @param source the IP source address's bytes
   * @param destination the IP destination address's bytes
   */
  public static void sign(
      Mac mac, byte[] packet, int messageLength, byte[] source, byte[] destination, long sequence) {
    Objects.checkFromIndexSize(messageLength, BYTES, packet.length);
    int at = messageLength;
    packet[at] = MAGIC_0;
    packet[at + 1] = MAGIC_1;
    packet[at + 2] = VERSION;
    packet[at + 3] = 0;
    putLong(packet, at + SEQUENCE_OFFSET, sequence);
    compute(mac, packet, messageLength, source, destination, packet, at + SIGNED_HEADER_BYTES);
  }

  /**
   * The length of the VRRP message before a trailer that verifies; throws otherwise. Checks, in
   * this order: {@link DropReason#HMAC_MISSING} (too short for a trailer, or no trailer's magic and
   * version), {@link DropReason#HMAC_MISMATCH} (the HMAC does not verify: another secret, or the
   * packet was changed). The sequence is {@link #sequence} of the same packet: whether it is new is
   * the caller's business.
   *
   * @param scratch at least {@link #MAC_BYTES} bytes, overwritten
   */
  public static int verify(
      Mac mac, byte[] packet, int length, byte[] source, byte[] destination, byte[] scratch)
      throws MalformedAdvertisementException {
    if (length < AdvertisementCodec.HEADER_BYTES + BYTES) {
      throw new MalformedAdvertisementException(
          DropReason.HMAC_MISSING,
          "message of "
              + length
              + " bytes (expected: a VRRP message and the "
              + BYTES
              + "-byte hmac-sha256 trailer of a vrrp-agent peer)");
    }
    int at = length - BYTES;
    if (packet[at] != MAGIC_0 || packet[at + 1] != MAGIC_1 || packet[at + 2] != VERSION) {
      throw new MalformedAdvertisementException(
          DropReason.HMAC_MISSING,
          "no hmac-sha256 trailer (expected: adverts from a vrrp-agent peer with auth type"
              + " hmac-sha256)");
    }
    compute(mac, packet, at, source, destination, scratch, 0);
    int diff = 0; // constant time: no early exit on the first differing byte
    for (int i = 0; i < MAC_BYTES; i++) {
      diff |= scratch[i] ^ packet[at + SIGNED_HEADER_BYTES + i];
    }
    if (diff != 0) {
      throw new MalformedAdvertisementException(
          DropReason.HMAC_MISMATCH,
          "hmac-sha256 does not verify (expected: the same secret-file as ours, and the packet"
              + " unchanged on the way)");
    }
    return at;
  }

  /**
   * The sequence of the trailer at the end of {@code packet[0..length)} (after {@link #verify}).
   */
  public static long sequence(byte[] packet, int length) {
    int at = length - BYTES + SEQUENCE_OFFSET;
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (packet[at + i] & 0xff);
    }
    return v;
  }

  private static void compute(
      Mac mac,
      byte[] packet,
      int messageLength,
      byte[] source,
      byte[] destination,
      byte[] out,
      int outOffset) {
    mac.update(source);
    mac.update(destination);
    mac.update(packet, 0, messageLength + SIGNED_HEADER_BYTES);
    try {
      mac.doFinal(out, outOffset);
    } catch (ShortBufferException e) {
      throw new IllegalArgumentException("no room for the HMAC at " + outOffset, e);
    }
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }
}
