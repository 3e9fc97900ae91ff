package org.vrrpagent.core.wire;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum, with
 * the IPv4 and IPv6 pseudo-headers VRRP uses (RFC 768 style for IPv4, RFC 8200 §8.1 for IPv6).
 * Shared by the VRRP codec and the ICMPv6 neighbour advertisement builder.
 */
public final class InternetChecksum {
  private InternetChecksum() {}

  /** IP protocol number of VRRP (and of CARP, which shares it). */
  public static final int PROTOCOL_VRRP = 112;

  /**
   * One's complement sum of {@code data[offset, offset+length)} added to {@code sum}, not yet
   * folded.
   */
  static long add(long sum, byte[] data, int offset, int length) {
    int i = offset;
    int end = offset + length;
    for (; i + 1 < end; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if (i < end) {
      sum += (data[i] & 0xff) << 8;
    }
    return sum;
  }

  static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /**
   * The sum of the pseudo-header for an upper-layer message of {@code length} bytes: for IPv4
   * source, destination, zero, protocol, length (16 bits); for IPv6 source, destination,
   * upper-layer length (32 bits), three zero bytes, next header.
   */
  static long pseudoHeaderSum(
      InetAddress source, InetAddress destination, int protocol, int length) {
    byte[] s = source.getAddress();
    byte[] d = destination.getAddress();
    long sum = add(0, s, 0, s.length);
    sum = add(sum, d, 0, d.length);
    if (source instanceof Inet4Address) {
      sum += protocol;
      sum += length & 0xffff;
    } else {
      sum += (length >>> 16) & 0xffff;
      sum += length & 0xffff;
      sum += protocol;
    }
    return sum;
  }

  /**
   * Checksum of a message alone. Computing it over a message holding a correct checksum gives 0.
   */
  public static int of(byte[] message, int offset, int length) {
    return fold(add(0, message, offset, length));
  }

  /** Checksum of a message with the pseudo-header of its IP packet. */
  public static int withPseudoHeader(
      InetAddress source,
      InetAddress destination,
      int protocol,
      byte[] message,
      int offset,
      int length) {
    return fold(
        add(pseudoHeaderSum(source, destination, protocol, length), message, offset, length));
  }
}
