package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The IPv6 side of {@link ArpConflictWatch}: Neighbor Advertisements (RFC 4861 §4.4) whose target
 * is a watched address and whose target link-layer address is not this interface's MAC are
 * reported; {@link #probe} sends a Neighbor Solicitation for an address to its solicited-node
 * group, so a host that has it configured answers.
 *
 * <p>One raw ICMPv6 socket bound to the interface, filtered to Neighbor Advertisements ({@code
 * ICMP6_FILTER}), multicast loop off (our own kernel would answer our own solicitation), hop limit
 * 255 as RFC 4861 requires; the kernel computes the ICMPv6 checksum. Read by its own thread; the
 * listener must not block.
 */
public final class NdConflictWatch extends ConflictWatch<Inet6Address> {
  private static final int IPPROTO_ICMPV6 = 58;
  private static final int ICMP6_FILTER = 1;
  private static final int NEIGHBOR_SOLICITATION = 135;
  private static final int NEIGHBOR_ADVERTISEMENT = 136;

  private NdConflictWatch(
      String interfaceName, int fd, int ifindex, byte[] mac, Listener listener) {
    super("Neighbor Advertisement watch", interfaceName, fd, ifindex, mac, listener);
  }

  /** Opens the socket on {@code interfaceName} and starts reading. */
  public static NdConflictWatch open(String interfaceName, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    LinkIdentity.checkName(interfaceName);
    int fd;
    try {
      fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, IPPROTO_ICMPV6);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(
          interfaceName, "cannot open the ICMPv6 socket that watches Neighbor Advertisements", e);
    }
    try (Arena arena = Arena.ofConfined()) {
      LinkIdentity link = LinkIdentity.query(fd, interfaceName, arena);
      int ifindex = link.index();
      byte[] mac = link.mac();
      Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, arena.allocateFrom(interfaceName));
      // struct icmp6_filter: a set bit blocks that type; pass Neighbor Advertisements only.
      MemorySegment filter = arena.allocate(32);
      filter.fill((byte) 0xff);
      int word = NEIGHBOR_ADVERTISEMENT >> 5;
      filter.set(
          JAVA_INT,
          word * 4L,
          filter.get(JAVA_INT, word * 4L) & ~(1 << (NEIGHBOR_ADVERTISEMENT & 31)));
      Libc.setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, filter);
      Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255);
      Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255);
      Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0);
      Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_IF, ifindex);
      NdConflictWatch w = new NdConflictWatch(interfaceName, fd, ifindex, mac, listener);
      w.startReading("ND watch", Libc.SOCKADDR_IN6_BYTES, 1500);
      return w;
    } catch (Libc.ErrnoException e) {
      Libc.closeQuietly(fd);
      throw KernelErrors.explain(
          interfaceName, "cannot set up the Neighbor Advertisement watch", e);
    }
  }

  /**
   * Sends a Neighbor Solicitation for {@code address} to its solicited-node group
   * (ff02::1:ffXX:XXXX).
   */
  @Override
  public void probe(Inet6Address address) {
    byte[] ns = solicitation(mac, address);
    try (Arena arena = Arena.ofConfined()) {
      Libc.sendto(
          fd,
          arena.allocateFrom(JAVA_BYTE, ns),
          0,
          SocketAddresses.of(arena, solicitedNode(address), ifindex));
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(interfaceName, "cannot send a Neighbor Solicitation", e);
    }
  }

  /** RFC 4291 §2.7.1: ff02::1:ff00:0/104 with the address's low 24 bits. */
  static Inet6Address solicitedNode(Inet6Address address) {
    byte[] a = address.getAddress();
    byte[] g = new byte[16];
    g[0] = (byte) 0xff;
    g[1] = 0x02;
    g[11] = 0x01;
    g[12] = (byte) 0xff;
    g[13] = a[13];
    g[14] = a[14];
    g[15] = a[15];
    try {
      return (Inet6Address) InetAddress.getByAddress(g);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * ICMPv6 Neighbor Solicitation for {@code target} with our MAC as source link-layer address
   * (checksum by the kernel).
   */
  static byte[] solicitation(byte[] mac, Inet6Address target) {
    byte[] m = new byte[32];
    m[0] = (byte) NEIGHBOR_SOLICITATION;
    // code 0, checksum 2..3 filled by the kernel, reserved 4..7
    System.arraycopy(target.getAddress(), 0, m, 8, 16);
    m[24] = 1; // option: source link-layer address
    m[25] = 1; // length in units of 8 bytes
    System.arraycopy(mac, 0, m, 26, 6);
    return m;
  }

  /**
   * The target and target link-layer address of a Neighbor Advertisement, or null (no TLLA, too
   * short).
   */
  static Claim parse(byte[] m, int length) {
    if (length < 24 || (m[0] & 0xff) != NEIGHBOR_ADVERTISEMENT || m[1] != 0) {
      return null;
    }
    Inet6Address target;
    try {
      target = (Inet6Address) InetAddress.getByAddress(Arrays.copyOfRange(m, 8, 24));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
    for (int i = 24; i + 8 <= length; ) {
      int type = m[i] & 0xff;
      int len = (m[i + 1] & 0xff) * 8;
      if (len == 0) {
        return null; // RFC 4861 §4.6: a zero-length option: drop the packet
      }
      if (type == 2 && len >= 8) {
        return new Claim(target, Arrays.copyOfRange(m, i + 2, i + 8));
      }
      i += len;
    }
    return null;
  }

  record Claim(Inet6Address address, byte[] mac) {}

  /**
   * A message from the watch socket: a claim from another MAC for a watched address is reported.
   */
  @Override
  void received(MemorySegment sender, byte[] message) {
    Claim c = parse(message, message.length);
    if (c != null) {
      claimed(c.address(), c.mac());
    }
  }
}
