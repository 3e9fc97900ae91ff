package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;

/**
 * What {@code recvmsg} told us about a received IPv6 packet in its control messages: the hop limit
 * ({@code IPV6_HOPLIMIT}) and the destination address ({@code IPV6_PKTINFO}). Pure: reads a buffer,
 * trusts no length in it.
 *
 * @param hopLimit 0..255
 * @param destination the packet's destination address
 */
record Ipv6Ancillary(int hopLimit, InetAddress destination) {

  /**
   * Walks {@code control} ({@code struct cmsghdr { size_t len; int level; int type; data… }}, each
   * aligned to 8 bytes) up to {@code length} bytes; returns null unless both facts were found and
   * valid.
   */
  static Ipv6Ancillary parse(MemorySegment control, long length) {
    long end = Math.min(Math.max(length, 0), control.byteSize());
    int hopLimit = -1;
    InetAddress destination = null;
    long offset = 0;
    while (offset + Libc.CMSGHDR_BYTES <= end) {
      long len = control.get(JAVA_LONG_UNALIGNED, offset);
      if (len < Libc.CMSGHDR_BYTES || len > end - offset) {
        break;
      }
      int level = control.get(JAVA_INT_UNALIGNED, offset + 8);
      int type = control.get(JAVA_INT_UNALIGNED, offset + 12);
      if (level == Libc.IPPROTO_IPV6
          && type == Libc.IPV6_HOPLIMIT
          && len >= Libc.CMSGHDR_BYTES + 4) {
        hopLimit = control.get(JAVA_INT_UNALIGNED, offset + 16);
      } else if (level == Libc.IPPROTO_IPV6
          && type == Libc.IPV6_PKTINFO
          && len >= Libc.CMSGHDR_BYTES + 20) {
        destination =
            InterfaceFacts.byAddress(control.asSlice(offset + 16, 16).toArray(JAVA_BYTE), 0);
      }
      long next = (len + 7) & ~7L;
      if (next <= 0 || next > end - offset) {
        break;
      }
      offset += next;
    }
    if (hopLimit < 0 || hopLimit > 255 || destination == null) {
      return null;
    }
    return new Ipv6Ancillary(hopLimit, destination);
  }
}
