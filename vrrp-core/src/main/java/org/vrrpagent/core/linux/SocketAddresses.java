package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** {@code sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_ll} in native memory. */
final class SocketAddresses {
  private SocketAddresses() {}

  /**
   * A {@code sockaddr_in} or {@code sockaddr_in6} (port 0) for {@code address}; link-scoped IPv6
   * gets {@code scopeId}.
   */
  static MemorySegment of(Arena arena, InetAddress address, int scopeId) {
    if (address instanceof Inet4Address) {
      MemorySegment sa = arena.allocate(Libc.SOCKADDR_IN_BYTES);
      sa.set(JAVA_SHORT, 0, (short) Libc.AF_INET);
      MemorySegment.copy(address.getAddress(), 0, sa, JAVA_BYTE, 4, 4);
      return sa;
    }
    MemorySegment sa = arena.allocate(Libc.SOCKADDR_IN6_BYTES);
    sa.set(JAVA_SHORT, 0, (short) Libc.AF_INET6);
    MemorySegment.copy(address.getAddress(), 0, sa, JAVA_BYTE, 8, 16);
    Inet6Address six = (Inet6Address) address;
    int scope = six.getScopeId() != 0 ? six.getScopeId() : needsScope(six) ? scopeId : 0;
    sa.set(JAVA_INT, 24, scope);
    return sa;
  }

  /** Link-local unicast and link-local multicast (ff02::/16) need the interface as scope. */
  static boolean needsScope(Inet6Address address) {
    return address.isLinkLocalAddress() || address.isMCLinkLocal();
  }

  /** Reads a {@code sockaddr_in} or {@code sockaddr_in6}; IPv6 link-local keeps its scope. */
  static InetAddress read(MemorySegment sa) {
    int family = sa.get(JAVA_SHORT, 0) & 0xffff;
    if (family == Libc.AF_INET) {
      return InterfaceFacts.byAddress(sa.asSlice(4, 4).toArray(JAVA_BYTE), 0);
    }
    if (family == Libc.AF_INET6) {
      byte[] raw = sa.asSlice(8, 16).toArray(JAVA_BYTE);
      int scope = sa.get(JAVA_INT, 24);
      return InterfaceFacts.byAddress(raw, scope);
    }
    throw new IllegalArgumentException(
        "address family " + family + " (expected: AF_INET or AF_INET6)");
  }
}
