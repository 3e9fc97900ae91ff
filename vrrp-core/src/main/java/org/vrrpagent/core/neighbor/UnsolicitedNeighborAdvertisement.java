package org.vrrpagent.core.neighbor;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An unsolicited IPv6 Neighbor Advertisement (RFC 4861 §7.2.6) as keepalived sends it for a virtual
 * address: from the virtual address to all-nodes (ff02::1), hop limit 255, Override flag set,
 * Router and Solicited flags clear, with a target link-layer address option carrying our MAC.
 *
 * <pre>
 * Ethernet: dst 33:33:00:00:00:01, src MAC, type 0x86dd
 * IPv6:     version 6, class 0, flow 0, payload 32, next header 58, hop limit 255,
 *           src VIP, dst ff02::1
 * ICMPv6:   type 136, code 0, checksum, flags R=0 S=0 O=1, reserved,
 *           target VIP, option 2 (target link-layer address), length 1 (8 bytes), MAC
 * </pre>
 */
public final class UnsolicitedNeighborAdvertisement {
  /** Ethernet (14) + IPv6 header (40) + NA (24) + target link-layer option (8). */
  public static final int FRAME_BYTES = 86;

  static final int ICMPV6_BYTES = 32;
  private static final byte[] ALL_NODES = {
    (byte) 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
  };

  private UnsolicitedNeighborAdvertisement() {}

  /** The whole Ethernet frame (no FCS) announcing {@code address} at {@code mac}. */
  public static byte[] frame(byte[] mac, Inet6Address address) {
    GratuitousArp.requireMac(mac);
    Objects.requireNonNull(address, "address");
    byte[] ip = address.getAddress();
    byte[] f = new byte[FRAME_BYTES];
    // Ethernet: IPv6 multicast MAC 33:33 + low 32 bits of ff02::1.
    f[0] = 0x33;
    f[1] = 0x33;
    f[5] = 0x01;
    System.arraycopy(mac, 0, f, 6, 6);
    f[12] = (byte) 0x86;
    f[13] = (byte) 0xdd;
    // IPv6 header at 14.
    int ip6 = 14;
    f[ip6] = 0x60; // version 6, traffic class 0, flow label 0
    f[ip6 + 4] = 0; // payload length
    f[ip6 + 5] = ICMPV6_BYTES;
    f[ip6 + 6] = 58; // next header: ICMPv6
    f[ip6 + 7] =
        (byte) 255; // hop limit: 255, receivers discard NAs with any other (RFC 4861 §7.1.2)
    System.arraycopy(ip, 0, f, ip6 + 8, 16); // source: the virtual address
    System.arraycopy(ALL_NODES, 0, f, ip6 + 24, 16); // destination: all nodes
    // ICMPv6 at 54.
    int icmp = ip6 + 40;
    f[icmp] = (byte) 136; // type: Neighbor Advertisement
    f[icmp + 1] = 0; // code
    // checksum at icmp+2, filled below
    f[icmp + 4] = 0x20; // flags: Router 0, Solicited 0, Override 1 (keepalived sets only Override)
    System.arraycopy(ip, 0, f, icmp + 8, 16); // target address
    f[icmp + 24] = 2; // option: target link-layer address
    f[icmp + 25] = 1; // option length in units of 8 bytes
    System.arraycopy(mac, 0, f, icmp + 26, 6);
    int sum = icmpv6Checksum(f, ip6 + 8, ip6 + 24, icmp, ICMPV6_BYTES);
    f[icmp + 2] = (byte) (sum >>> 8);
    f[icmp + 3] = (byte) sum;
    return f;
  }

  /** The ICMPv6 checksum (RFC 4443 §2.3) over the IPv6 pseudo-header and the message. */
  static int icmpv6Checksum(byte[] f, int srcOffset, int dstOffset, int msgOffset, int msgLength) {
    long sum = 0;
    for (int i = 0; i < 16; i += 2) {
      sum += ((f[srcOffset + i] & 0xff) << 8) | (f[srcOffset + i + 1] & 0xff);
      sum += ((f[dstOffset + i] & 0xff) << 8) | (f[dstOffset + i + 1] & 0xff);
    }
    sum += msgLength; // upper-layer packet length (32 bits; fits the low word here)
    sum += 58; // next header
    for (int i = 0; i < msgLength; i += 2) {
      int hi = f[msgOffset + i] & 0xff;
      int lo = i + 1 < msgLength ? f[msgOffset + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /** Whether {@code address} can be announced: not multicast, not unspecified. */
  public static boolean announceable(InetAddress address) {
    return address instanceof Inet6Address
        && !address.isMulticastAddress()
        && !address.isAnyLocalAddress();
  }
}
