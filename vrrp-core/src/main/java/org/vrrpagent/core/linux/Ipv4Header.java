package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import org.vrrpagent.base.AddressText;

/**
 * The IPv4 header of a VRRP packet. We write it ourselves (IP_HDRINCL) to send exactly what
 * keepalived sends: TOS 0xC0 (network control), TTL 255, no DF flag, protocol 112; the kernel fills
 * in the identification and the header checksum. On receive, a raw IPv4 socket hands us the header
 * too: {@link #parse} reads TTL, source and destination and finds the payload.
 *
 * @param ttl time to live
 * @param source source address
 * @param destination destination address
 * @param payloadOffset where the VRRP message starts (the header length, IHL × 4)
 * @param payloadLength bytes of VRRP message (total length − header length, capped at what was
 *     read)
 */
record Ipv4Header(
    int ttl, Inet4Address source, Inet4Address destination, int payloadOffset, int payloadLength) {
  static final int MIN_BYTES = 20;
  static final int TOS_NETWORK_CONTROL = 0xc0;
  static final int VRRP_TTL = 255;

  /**
   * A 20-byte header followed by {@code payload}, ready for an IP_HDRINCL socket. Identification
   * and checksum are zero: the kernel fills both in.
   */
  static byte[] encode(byte[] payload, Inet4Address source, Inet4Address destination) {
    int total = MIN_BYTES + payload.length;
    if (total > 0xffff) {
      throw new IllegalArgumentException(
          "IPv4 packet of " + total + " bytes (expected: at most 65535)");
    }
    byte[] p = new byte[total];
    p[0] = 0x45; // version 4, IHL 5 (20 bytes, no options)
    p[1] = (byte) TOS_NETWORK_CONTROL; // TOS: precedence "network control", as keepalived sends
    p[2] = (byte) (total >>> 8); // total length
    p[3] = (byte) total;
    // 4..5 identification: 0, the kernel picks one; 6..7 flags/fragment offset: 0 (no DF, like
    // keepalived)
    p[8] = (byte) VRRP_TTL; // TTL 255 (RFC 9568 §5.1.1.3)
    p[9] = 112; // protocol: VRRP
    // 10..11 header checksum: the kernel computes it
    System.arraycopy(source.getAddress(), 0, p, 12, 4);
    System.arraycopy(destination.getAddress(), 0, p, 16, 4);
    System.arraycopy(payload, 0, p, MIN_BYTES, payload.length);
    return p;
  }

  /**
   * As {@link #encode}, into {@code packet} (at least {@code MIN_BYTES + payload.length} long),
   * with the addresses as their 4 raw bytes; returns the packet's length. Nothing is allocated.
   */
  static int write(MemorySegment packet, byte[] payload, byte[] source, byte[] destination) {
    int total = MIN_BYTES + payload.length;
    if (total > 0xffff || total > packet.byteSize()) {
      throw new IllegalArgumentException(
          "IPv4 packet of " + total + " bytes (expected: at most " + packet.byteSize() + ")");
    }
    packet.set(JAVA_LONG_UNALIGNED, 0, 0L);
    packet.set(JAVA_LONG_UNALIGNED, 8, 0L);
    packet.set(JAVA_BYTE, 0, (byte) 0x45);
    packet.set(JAVA_BYTE, 1, (byte) TOS_NETWORK_CONTROL);
    packet.set(JAVA_BYTE, 2, (byte) (total >>> 8));
    packet.set(JAVA_BYTE, 3, (byte) total);
    packet.set(JAVA_BYTE, 8, (byte) VRRP_TTL);
    packet.set(JAVA_BYTE, 9, (byte) 112);
    MemorySegment.copy(source, 0, packet, JAVA_BYTE, 12, 4);
    MemorySegment.copy(destination, 0, packet, JAVA_BYTE, 16, 4);
    MemorySegment.copy(payload, 0, packet, JAVA_BYTE, MIN_BYTES, payload.length);
    return total;
  }

  /**
   * Reads the header of a packet of {@code length} bytes, or returns null when it is not a whole
   * IPv4 header (not version 4, IHL below 5, or longer than what was read).
   */
  static Ipv4Header parse(byte[] packet, int length) {
    if (length < MIN_BYTES || (packet[0] & 0xf0) != 0x40) {
      return null;
    }
    int headerBytes = (packet[0] & 0x0f) * 4;
    if (headerBytes < MIN_BYTES || headerBytes > length) {
      return null;
    }
    int total = ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
    // The kernel may report total length in host order on some old raw paths; trust the
    // smaller of the header's total length and what we read, but never below the header.
    int end = total >= headerBytes && total <= length ? total : length;
    Inet4Address source =
        (Inet4Address) InterfaceFacts.byAddress(Arrays.copyOfRange(packet, 12, 16), 0);
    Inet4Address destination =
        (Inet4Address) InterfaceFacts.byAddress(Arrays.copyOfRange(packet, 16, 20), 0);
    return new Ipv4Header(packet[8] & 0xff, source, destination, headerBytes, end - headerBytes);
  }

  static Inet4Address requireIpv4(InetAddress address, String what) {
    if (address instanceof Inet4Address four) {
      return four;
    }
    throw new IllegalArgumentException(what + " " + AddressText.of(address) + " is not IPv4");
  }
}
