package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.io.NeighborAnnouncer;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.neighbor.GratuitousArp;
import org.vrrpagent.core.neighbor.UnsolicitedNeighborAdvertisement;

/**
 * Sends gratuitous ARP and unsolicited Neighbor Advertisements as whole Ethernet frames through one
 * {@code AF_PACKET}/{@code SOCK_RAW} socket (protocol 0: it receives nothing). The frames come from
 * {@link GratuitousArp} and {@link UnsolicitedNeighborAdvertisement}, byte for byte what keepalived
 * sends. The interface index and MAC are read with {@code ioctl} on this socket, so they come from
 * the socket's network namespace (the one of the thread that constructed it) whatever thread calls
 * {@link #announce}.
 */
public final class PacketSocketAnnouncer implements NeighborAnnouncer {
  private static final int ETH_P_ARP = 0x0806;
  private static final int ETH_P_IPV6 = 0x86dd;

  private final int fd;
  private volatile boolean closed;

  private PacketSocketAnnouncer(int fd) {
    this.fd = fd;
  }

  /** Opens the packet socket in the calling thread's network namespace. */
  public static PacketSocketAnnouncer open() {
    try {
      return new PacketSocketAnnouncer(
          Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0));
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(
          "(all interfaces)", "cannot open packet socket for gratuitous ARP/NA", e);
    }
  }

  @Override
  public synchronized void announce(String interfaceName, List<InetAddress> addresses) {
    Objects.requireNonNull(interfaceName, "interfaceName");
    if (closed) {
      throw new TransportException(interfaceName + ": neighbour announcer is closed");
    }
    if (addresses.isEmpty()) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment ifreq = arena.allocate(Libc.IFREQ_BYTES);
      ifreq.copyFrom(nameBytes(arena, interfaceName));
      try {
        Libc.ioctl(fd, Libc.SIOCGIFINDEX, ifreq);
      } catch (Libc.ErrnoException e) {
        throw KernelErrors.explain(interfaceName, "cannot find the interface", e);
      }
      int ifindex = ifreq.get(JAVA_INT, Libc.IFNAMSIZ);
      byte[] mac;
      try {
        Libc.ioctl(fd, Libc.SIOCGIFHWADDR, ifreq);
        mac = ifreq.asSlice(Libc.IFNAMSIZ + 2, 6).toArray(JAVA_BYTE);
      } catch (Libc.ErrnoException e) {
        throw KernelErrors.explain(interfaceName, "cannot read the MAC address", e);
      }
      for (InetAddress address : addresses) {
        byte[] frame;
        int ethertype;
        if (address instanceof Inet4Address four) {
          frame = GratuitousArp.frame(mac, four);
          ethertype = ETH_P_ARP;
        } else if (UnsolicitedNeighborAdvertisement.announceable(address)) {
          frame = UnsolicitedNeighborAdvertisement.frame(mac, (Inet6Address) address);
          ethertype = ETH_P_IPV6;
        } else {
          throw new IllegalArgumentException("cannot announce " + AddressText.of(address));
        }
        send(arena, interfaceName, ifindex, frame, ethertype);
      }
    }
  }

  private void send(Arena arena, String interfaceName, int ifindex, byte[] frame, int ethertype) {
    // struct sockaddr_ll { u16 family; be16 protocol; int ifindex; u16 hatype; u8 pkttype; u8
    // halen; u8 addr[8]; }
    MemorySegment ll = arena.allocate(Libc.SOCKADDR_LL_BYTES);
    ll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
    ll.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) ethertype);
    ll.set(JAVA_INT, 4, ifindex);
    ll.set(JAVA_BYTE, 11, (byte) 6);
    MemorySegment.copy(frame, 0, ll, JAVA_BYTE, 12, 6); // destination MAC
    try {
      Libc.sendto(fd, arena.allocateFrom(JAVA_BYTE, frame), 0, ll);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(interfaceName, "cannot send gratuitous ARP/NA", e);
    }
  }

  private static MemorySegment nameBytes(Arena arena, String interfaceName) {
    if (interfaceName.isEmpty() || interfaceName.length() >= Libc.IFNAMSIZ) {
      throw new IllegalArgumentException(
          "interface name \"" + interfaceName + "\" (expected: 1..15 characters)");
    }
    MemorySegment s = arena.allocate(Libc.IFREQ_BYTES);
    s.copyFrom(arena.allocateFrom(interfaceName));
    return s;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Libc.closeQuietly(fd);
    }
  }
}
