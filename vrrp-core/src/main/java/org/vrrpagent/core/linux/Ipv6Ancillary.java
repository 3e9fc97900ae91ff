package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

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
   * Reads the first {@code length} bytes of {@code control} ({@link ControlMessages}); null unless
   * both facts were found and valid.
   */
  static Ipv6Ancillary parse(MemorySegment control, long length) {
    long hop = ControlMessages.find(control, length, Libc.IPPROTO_IPV6, Libc.IPV6_HOPLIMIT, 4);
    long info = ControlMessages.find(control, length, Libc.IPPROTO_IPV6, Libc.IPV6_PKTINFO, 20);
    if (hop < 0 || info < 0) {
      return null;
    }
    int hopLimit = control.get(JAVA_INT_UNALIGNED, hop);
    if (hopLimit < 0 || hopLimit > 255) {
      return null;
    }
    InetAddress destination =
        InterfaceFacts.byAddress(control.asSlice(info, 16).toArray(JAVA_BYTE), 0);
    return destination == null ? null : new Ipv6Ancillary(hopLimit, destination);
  }
}
