package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.TransportException;

/**
 * What the transport needs to know about one interface, read with {@code getifaddrs(3)} (a netlink
 * dump in the calling thread's network namespace, no process started).
 *
 * @param name the interface name
 * @param index the interface index
 * @param mac the link-layer address (6 bytes for Ethernet; empty if the link has none)
 * @param up whether the interface is administratively up (IFF_UP)
 * @param addresses its IPv4 and IPv6 addresses in the kernel's order (the first IPv4 one is
 *     primary)
 */
public record InterfaceFacts(
    String name, int index, byte[] mac, boolean up, List<InterfaceAddress> addresses) {
  private static final int IFF_UP = 0x1;

  public InterfaceFacts {
    Objects.requireNonNull(name, "name");
    mac = mac.clone();
    addresses = List.copyOf(addresses);
  }

  @Override
  public byte[] mac() {
    return mac.clone();
  }

  /** The first IPv4 address: the one keepalived and the kernel use as the primary address. */
  public Optional<Inet4Address> primaryIpv4() {
    return addresses.stream()
        .map(InterfaceAddress::address)
        .filter(a -> a instanceof Inet4Address)
        .map(a -> (Inet4Address) a)
        .findFirst();
  }

  /** The IPv6 link-local address (fe80::/10), with the interface as its scope. */
  public Optional<Inet6Address> linkLocalIpv6() {
    return addresses.stream()
        .map(InterfaceAddress::address)
        .filter(a -> a instanceof Inet6Address && a.isLinkLocalAddress())
        .map(a -> (Inet6Address) a)
        .findFirst();
  }

  /** The MAC as {@code 9a:45:72:50:50:0a}. */
  public String macText() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < mac.length; i++) {
      if (i > 0) {
        b.append(':');
      }
      b.append(String.format("%02x", mac[i] & 0xff));
    }
    return b.toString();
  }

  /**
   * Reads the facts of {@code name} in the calling thread's network namespace.
   *
   * @throws TransportException when there is no such interface
   */
  public static InterfaceFacts read(String name) {
    Objects.requireNonNull(name, "name");
    MemorySegment list;
    try {
      list = Libc.getifaddrs();
    } catch (Libc.ErrnoException e) {
      throw new TransportException(name + ": cannot list network interfaces: " + e.reason());
    }
    try {
      int index = 0;
      byte[] mac = new byte[0];
      boolean found = false;
      boolean up = false;
      List<InterfaceAddress> addresses = new ArrayList<>();
      // struct ifaddrs { next; name; unsigned flags; addr; netmask; ifu; data; } (LP64 offsets)
      for (MemorySegment p = list; !p.equals(MemorySegment.NULL); ) {
        MemorySegment ifa = p.reinterpret(56);
        String ifaName = ifa.get(ADDRESS, 8).reinterpret(Libc.IFNAMSIZ).getString(0);
        if (ifaName.equals(name)) {
          found = true;
          up = (ifa.get(JAVA_INT, 16) & IFF_UP) != 0;
          MemorySegment addr = ifa.get(ADDRESS, 24);
          MemorySegment mask = ifa.get(ADDRESS, 32);
          if (!addr.equals(MemorySegment.NULL)) {
            MemorySegment sa = addr.reinterpret(Libc.SOCKADDR_IN6_BYTES);
            int family = sa.get(JAVA_SHORT, 0) & 0xffff;
            if (family == Libc.AF_PACKET) {
              index = sa.get(JAVA_INT, 4);
              int halen = sa.get(JAVA_BYTE, 11) & 0xff;
              mac = sa.asSlice(12, Math.min(halen, 8)).toArray(JAVA_BYTE);
            } else if (family == Libc.AF_INET || family == Libc.AF_INET6) {
              InetAddress a = SocketAddresses.read(sa);
              int prefix =
                  mask.equals(MemorySegment.NULL)
                      ? (family == Libc.AF_INET ? 32 : 128)
                      : prefixLength(mask.reinterpret(Libc.SOCKADDR_IN6_BYTES), family);
              addresses.add(new InterfaceAddress(a, prefix));
            }
          }
        }
        p = ifa.get(ADDRESS, 0);
      }
      if (!found) {
        throw new TransportException(
            name + ": no such network interface (check the name with `ip link`)");
      }
      if (index == 0) {
        index = indexFromAddresses(addresses);
      }
      return new InterfaceFacts(name, index, mac, up, addresses);
    } finally {
      Libc.freeifaddrs(list);
    }
  }

  private static int indexFromAddresses(List<InterfaceAddress> addresses) {
    for (InterfaceAddress a : addresses) {
      if (a.address() instanceof Inet6Address six && six.getScopeId() != 0) {
        return six.getScopeId();
      }
    }
    return 0;
  }

  private static int prefixLength(MemorySegment mask, int family) {
    int offset = family == Libc.AF_INET ? 4 : 8;
    int bytes = family == Libc.AF_INET ? 4 : 16;
    int bits = 0;
    for (int i = 0; i < bytes; i++) {
      bits += Integer.bitCount(mask.get(JAVA_BYTE, offset + i) & 0xff);
    }
    return bits;
  }

  static InetAddress byAddress(byte[] raw, int scopeId) {
    try {
      if (raw.length == 16) {
        // Always IPv6: InetAddress.getByAddress would turn ::ffff:a.b.c.d into an Inet4Address
        // (found by fuzzing). -1: no scope.
        return Inet6Address.getByAddress(null, raw, scopeId > 0 ? scopeId : -1);
      }
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address of " + raw.length + " bytes", e);
    }
  }
}
