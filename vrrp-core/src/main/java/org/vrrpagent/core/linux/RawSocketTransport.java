package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.carp.CarpCodec;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * VRRP over a raw IP socket (protocol 112) on one Linux interface, through {@code
 * java.lang.foreign}.
 *
 * <h2>IPv4</h2>
 *
 * {@code socket(AF_INET, SOCK_RAW, 112)} bound to the device ({@code SO_BINDTODEVICE}), with {@code
 * IP_HDRINCL}: we write the IP header ourselves, as keepalived does, so the packet carries TOS
 * 0xC0, TTL 255, no DF flag and exactly the source address we chose (the interface's primary
 * address or the configured one) without binding the socket — a raw socket bound to an address
 * would no longer receive the group's packets. Multicast goes out of the interface ({@code
 * IP_MULTICAST_IF}), is not looped back to us ({@code IP_MULTICAST_LOOP 0}), and we join 224.0.0.18
 * on the interface with an {@code ip_mreqn}. Received packets include the IP header; we read TTL,
 * source and destination from it and strip it.
 *
 * <h2>IPv6</h2>
 *
 * {@code socket(AF_INET6, SOCK_RAW, 112)} bound to the device, hop limit 255 for multicast and
 * unicast, traffic class 0xC0 (as keepalived), multicast loop off, ff02::12 joined on the
 * interface. Each send is a {@code sendmsg} with an {@code IPV6_PKTINFO} control message naming the
 * source (the interface's link-local address or the configured one) and the interface. The kernel
 * does not checksum protocol 112 unless asked: we do not set {@code IPV6_CHECKSUM}; the codec
 * computes the checksum over the pseudo-header with {@link #sourceAddress()}. Receive uses {@code
 * recvmsg} with {@code IPV6_RECVHOPLIMIT} and {@code IPV6_RECVPKTINFO} to learn the hop limit and
 * the destination.
 *
 * <h2>Unicast</h2>
 *
 * With unicast peers, no group is joined, the caller sends to each peer, and packets from any other
 * source are dropped (counted as {@link TransportDrops.Reason#UNKNOWN_PEER}). Sockets set {@code
 * IP_MULTICAST_ALL}/{@code IPV6_MULTICAST_ALL} to 0, so they receive only groups they joined
 * themselves — a unicast socket does not see the group's adverts that another VRRP daemon on the
 * same host subscribed to.
 *
 * <h2>On-link sources</h2>
 *
 * Each received packet carries a fact for the receive policy ({@link
 * InboundPacket#sourceOnLink()}): an IPv4 source lies in a subnet of one of the interface's
 * addresses; an IPv6 source is link-local or in one of its prefixes. The addresses are read at open
 * and again (at most every {@link #ON_LINK_REFRESH}) when a source is not in them, so an address
 * added later counts.
 *
 * <h2>What open fixes</h2>
 *
 * The interface index and the default source address are read once, at open. If the interface is
 * deleted and created again, or its primary address changes, sends fail with a message naming the
 * interface (or go out from the old address): close and open again.
 *
 * <h2>Threads</h2>
 *
 * One platform thread per transport reads the socket: one blocking {@code recvmsg} per packet, with
 * a {@value #POLL_MILLIS} ms receive timeout ({@code SO_RCVTIMEO}). {@link #close()} sets a flag
 * and calls {@code shutdown(2)} (which wakes the {@code recvmsg} at once); the thread ends within
 * one timeout and closes the socket itself, so no send can use a reused descriptor. Sends may come
 * from any thread.
 *
 * <p>Everything that reads the system (the interface index, its addresses) and the socket itself
 * belong to the network namespace of the thread that calls {@link #open}.
 */
public final class RawSocketTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(RawSocketTransport.class);

  static final int POLL_MILLIS = 200;

  /** How long {@link #close()} waits for the receive thread. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private static final int CONTROL_BYTES = 128;

  /** Shortest time between two reads of the interface's addresses for the on-link fact. */
  static final Duration ON_LINK_REFRESH = Duration.ofSeconds(5);

  private static final InetAddress GROUP_V4 = InetAddress.ofLiteral("224.0.0.18");
  private static final InetAddress GROUP_V6 = InetAddress.ofLiteral("ff02::12");

  /**
   * What to open.
   *
   * @param interfaceName the interface, e.g. {@code eth0}
   * @param family IPv4 or IPv6
   * @param source the source address, or null for the interface's primary IPv4 / link-local IPv6
   *     address
   * @param unicastPeers empty for multicast; otherwise the only sources accepted
   */
  public record Options(
      String interfaceName,
      AddressFamily family,
      InetAddress source,
      List<InetAddress> unicastPeers) {
    public Options {
      Objects.requireNonNull(interfaceName, "interfaceName");
      Objects.requireNonNull(family, "family");
      unicastPeers = List.copyOf(unicastPeers);
      if (interfaceName.isEmpty() || interfaceName.length() >= Libc.IFNAMSIZ) {
        throw new IllegalArgumentException(
            "interface name \"" + interfaceName + "\" (expected: 1..15 characters)");
      }
      if (source != null && !family.matches(source)) {
        throw new IllegalArgumentException(
            "source " + AddressText.of(source) + " is not " + family);
      }
      for (InetAddress peer : unicastPeers) {
        if (!family.matches(peer)) {
          throw new IllegalArgumentException(
              "unicast peer " + AddressText.of(peer) + " is not " + family);
        }
      }
    }

    /** Multicast, the interface's own source address. */
    public static Options multicast(String interfaceName, AddressFamily family) {
      return new Options(interfaceName, family, null, List.of());
    }
  }

  private final String interfaceName;
  private final AddressFamily family;
  private final int ifindex;
  private final int fd;
  private final InetAddress source;
  private final Set<InetAddress> peers;
  private final Consumer<InboundPacket> consumer;
  private final TransportDrops drops = new TransportDrops();
  private final Object sendLock = new Object();

  /**
   * Virtual MAC: VRID (CARP: {@link #CARP_SENDER} + vhid) → a send-only socket bound to that
   * router's macvlan (guarded by sendLock).
   */
  private final Map<Integer, Sender> virtualMacSenders = new HashMap<>();

  /**
   * What every send reuses (guarded by sendLock): the packet buffer, the errno capture, the IPv6
   * iovec / control / msghdr, and the destinations' socket addresses. Freed with the transport by
   * the garbage collector (an automatic arena): a send racing close() can never touch freed memory.
   */
  private final Arena sendArena = Arena.ofAuto();

  private final MemorySegment sendPacket = sendArena.allocate(TransportDrops.MAX_PACKET_BYTES);
  private final MemorySegment sendCapture = Libc.allocateCapture(sendArena);
  private final byte[] sourceBytes;
  private MemorySegment sendIov;
  private MemorySegment sendControl;
  private MemorySegment sendMsg;

  /**
   * Destination → its sockaddr and raw bytes (the group and the unicast peers: a handful; past
   * {@link #MAX_CACHED_DESTINATIONS} a send builds its own).
   */
  private final Map<InetAddress, Destination> destinations = new HashMap<>();

  private static final int MAX_CACHED_DESTINATIONS = 64;

  private record Destination(MemorySegment sockaddr, byte[] raw) {}

  private volatile boolean closed;
  private Thread receiver;

  /** The interface's addresses with their prefixes (receive thread only). */
  private List<org.vrrpagent.core.io.InterfaceAddress> subnets;

  private long subnetsReadNanos;

  private RawSocketTransport(
      Options options,
      InterfaceFacts facts,
      int fd,
      InetAddress source,
      Consumer<InboundPacket> consumer) {
    this(options, facts.index(), fd, source, consumer);
    this.subnets = facts.addresses();
    this.subnetsReadNanos = System.nanoTime();
  }

  private RawSocketTransport(
      Options options, int ifindex, int fd, InetAddress source, Consumer<InboundPacket> consumer) {
    this.interfaceName = options.interfaceName();
    this.family = options.family();
    this.ifindex = ifindex;
    this.fd = fd;
    this.source = source;
    this.peers = Set.copyOf(options.unicastPeers());
    this.consumer = consumer;
    this.sourceBytes = source.getAddress();
  }

  /**
   * Opens the socket, joins the group (multicast mode) and starts the receive thread.
   *
   * @throws TransportException with one line naming the interface when the kernel refuses
   */
  public static RawSocketTransport open(Options options, Consumer<InboundPacket> consumer) {
    return open(options, consumer, () -> {});
  }

  /**
   * As {@link #open(Options, Consumer)}; {@code receiveThreadSetup} runs first on the receive
   * thread (e.g. to give it the engine thread's scheduling priority), before it reads a packet.
   */
  public static RawSocketTransport open(
      Options options, Consumer<InboundPacket> consumer, Runnable receiveThreadSetup) {
    Objects.requireNonNull(receiveThreadSetup, "receiveThreadSetup");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(consumer, "consumer");
    String name = options.interfaceName();
    InterfaceFacts facts = InterfaceFacts.read(name);
    InetAddress source =
        options.source() != null ? options.source() : defaultSource(facts, options.family());
    if (options.source() != null
        && facts.addresses().stream().noneMatch(a -> a.address().equals(options.source()))) {
      // The kernel would refuse IPv6 sends ("Invalid argument") and IPv4 ones would go out
      // with an address no one can answer: say so now, once.
      throw new TransportException(
          name
              + ": source address "
              + AddressText.of(options.source())
              + " is not on the interface (add it, or leave the source out to use the interface's own)");
    }
    int fd;
    try {
      fd =
          Libc.socket(
              options.family() == AddressFamily.IPV4 ? Libc.AF_INET : Libc.AF_INET6,
              Libc.SOCK_RAW | Libc.SOCK_CLOEXEC,
              Libc.IPPROTO_VRRP);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(name, "cannot open raw VRRP socket", e);
    }
    try {
      configure(fd, options, facts.index());
    } catch (RuntimeException e) {
      Libc.closeQuietly(fd);
      throw e;
    }
    RawSocketTransport t = new RawSocketTransport(options, facts, fd, source, consumer);
    t.rehearseSend();
    t.receiver =
        Thread.ofPlatform()
            .name("vrrp-rx-" + name + (options.family() == AddressFamily.IPV4 ? "-v4" : "-v6"))
            .daemon(true)
            .start(
                () -> {
                  try {
                    receiveThreadSetup.run();
                  } catch (RuntimeException e) {
                    log.warn("{}: receive thread setup failed: {}", name, e.toString());
                  }
                  t.receiveLoop();
                });
    log.debug(
        "{}: VRRP {} transport open, source {}, {}",
        name,
        options.family(),
        AddressText.of(source),
        options.unicastPeers().isEmpty() ? "multicast" : "unicast peers " + options.unicastPeers());
    return t;
  }

  private static InetAddress defaultSource(InterfaceFacts facts, AddressFamily family) {
    if (family == AddressFamily.IPV4) {
      return facts
          .primaryIpv4()
          .orElseThrow(
              () ->
                  new TransportException(
                      facts.name()
                          + ": no IPv4 address to send VRRP from (add one to the interface, or configure a source address)"));
    }
    return facts
        .linkLocalIpv6()
        .orElseThrow(
            () ->
                new TransportException(
                    facts.name()
                        + ": no IPv6 link-local address to send VRRP from (is IPv6 enabled on the interface, and is it up?)"));
  }

  private static void configure(int fd, Options options, int ifindex) {
    String name = options.interfaceName();
    String step = "cannot bind the VRRP socket to the interface";
    try (Arena arena = Arena.ofConfined()) {
      Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, arena.allocateFrom(name));
      // struct timeval { long tv_sec; long tv_usec; }: the receive thread's recvmsg wakes at
      // least this often to see whether the transport closed.
      MemorySegment timeout = arena.allocate(16);
      timeout.set(JAVA_LONG, 0, 0L);
      timeout.set(JAVA_LONG, 8, POLL_MILLIS * 1000L);
      Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout);
      // The kernel stamps each packet when it arrives: the engine's timers count from then, not
      // from when this thread woke up (0.3 to 2.5 ms later on an idle VM in the lab).
      Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, 1);
      boolean multicast = options.unicastPeers().isEmpty();
      if (options.family() == AddressFamily.IPV4) {
        step = "cannot set up the IPv4 VRRP socket";
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_HDRINCL, 1);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0);
        // Only the groups this socket joined (none in unicast mode), not every group some
        // other socket on the host joined (the kernel's default).
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_ALL, 0);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, Ipv4Header.VRRP_TTL);
        Libc.setsockopt(fd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_IF, ipMreqn(arena, null, ifindex));
        if (multicast) {
          step = "cannot join 224.0.0.18";
          Libc.setsockopt(
              fd, Libc.IPPROTO_IP, Libc.IP_ADD_MEMBERSHIP, ipMreqn(arena, GROUP_V4, ifindex));
        }
      } else {
        step = "cannot set up the IPv6 VRRP socket";
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_IF, ifindex);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_HOPS, 255);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_UNICAST_HOPS, 255);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_LOOP, 0);
        try {
          Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_MULTICAST_ALL, 0);
        } catch (Libc.ErrnoException e) {
          if (e.errno != Libc.ENOPROTOOPT) { // kernels before 4.20 lack it: harmless
            throw e;
          }
        }
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, Ipv4Header.TOS_NETWORK_CONTROL);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVHOPLIMIT, 1);
        Libc.setsockoptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_RECVPKTINFO, 1);
        if (multicast) {
          step = "cannot join ff02::12";
          MemorySegment mreq = arena.allocate(20);
          MemorySegment.copy(GROUP_V6.getAddress(), 0, mreq, JAVA_BYTE, 0, 16);
          mreq.set(JAVA_INT, 16, ifindex);
          Libc.setsockopt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_JOIN_GROUP, mreq);
        }
      }
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(name, step, e);
    }
  }

  /** {@code struct ip_mreqn { in_addr multiaddr; in_addr address; int ifindex; }}. */
  private static MemorySegment ipMreqn(Arena arena, InetAddress group, int ifindex) {
    MemorySegment m = arena.allocate(12);
    if (group != null) {
      MemorySegment.copy(group.getAddress(), 0, m, JAVA_BYTE, 0, 4);
    }
    m.set(JAVA_INT, 8, ifindex);
    return m;
  }

  /** A send-only socket on a macvlan: adverts leave with the virtual MAC as source. */
  private record Sender(String interfaceName, int ifindex, int fd) {}

  /**
   * Sends the adverts of VRID {@code vrid} out of {@code macvlan} (its virtual MAC interface, see
   * {@link VirtualMacLink}) instead of this transport's interface, so that they carry the virtual
   * MAC as source (RFC 9568 §7.2) and switches keep learning where it lives. The source IP address
   * stays this transport's; receiving stays on this transport's interface. IPv4 multicast only: an
   * IPv6 advert must come from a link-local address of the sending interface, and unicast adverts
   * follow the routing table.
   *
   * @throws TransportException when the macvlan is missing or the kernel refuses the socket
   */
  public void sendFromVirtualMac(int vrid, String macvlan) {
    addSender(vrid, macvlan);
  }

  /** Key offset of CARP senders: a CARP vhid and a VRRP VRID of one number are two routers. */
  private static final int CARP_SENDER = 256;

  /**
   * CARP adverts for {@code vhid} leave from {@code macvlan} (MAC 00:00:5e:00:00:VHID, as ucarp and
   * carp(4) send them), as {@link #sendFromVirtualMac} does for VRRP.
   */
  public void sendCarpFromVirtualMac(int vhid, String macvlan) {
    addSender(CARP_SENDER + vhid, macvlan);
  }

  private void addSender(int key, String macvlan) {
    Objects.requireNonNull(macvlan, "macvlan");
    if (family != AddressFamily.IPV4 || !peers.isEmpty()) {
      throw new IllegalStateException(
          interfaceName + ": adverts from a virtual MAC need IPv4 multicast");
    }
    InterfaceFacts facts = InterfaceFacts.read(macvlan);
    int sendFd;
    try {
      sendFd = Libc.socket(Libc.AF_INET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_VRRP);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(macvlan, "cannot open raw VRRP socket", e);
    }
    try (Arena arena = Arena.ofConfined()) {
      Libc.setsockopt(sendFd, Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, arena.allocateFrom(macvlan));
      Libc.setsockoptInt(sendFd, Libc.IPPROTO_IP, Libc.IP_HDRINCL, 1);
      Libc.setsockoptInt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_LOOP, 0);
      // Send only: join nothing, and receive no group another socket joined.
      Libc.setsockoptInt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_ALL, 0);
      Libc.setsockoptInt(sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_TTL, Ipv4Header.VRRP_TTL);
      Libc.setsockopt(
          sendFd, Libc.IPPROTO_IP, Libc.IP_MULTICAST_IF, ipMreqn(arena, null, facts.index()));
    } catch (Libc.ErrnoException e) {
      Libc.closeQuietly(sendFd);
      throw KernelErrors.explain(
          macvlan, "cannot set up the VRRP send socket on the virtual MAC interface", e);
    }
    Sender old;
    synchronized (sendLock) {
      if (closed) {
        Libc.closeQuietly(sendFd);
        throw new TransportException(interfaceName + ": VRRP transport is closed");
      }
      old = virtualMacSenders.put(key, new Sender(macvlan, facts.index(), sendFd));
    }
    if (old != null) {
      Libc.closeQuietly(old.fd());
    }
  }

  /** The IPv4 group or the IPv6 group, for this transport's family. */
  public InetAddress group() {
    return family == AddressFamily.IPV4 ? GROUP_V4 : GROUP_V6;
  }

  @Override
  public void send(byte[] vrrpMessage, InetAddress destination) {
    Objects.requireNonNull(vrrpMessage, "vrrpMessage");
    Objects.requireNonNull(destination, "destination");
    if (!family.matches(destination)) {
      throw new IllegalArgumentException(
          "destination " + AddressText.of(destination) + " is not " + family);
    }
    if (vrrpMessage.length > TransportDrops.MAX_PACKET_BYTES - 40) {
      throw new IllegalArgumentException(
          "VRRP message of "
              + vrrpMessage.length
              + " bytes (expected: at most "
              + (TransportDrops.MAX_PACKET_BYTES - 40)
              + ")");
    }
    synchronized (sendLock) {
      if (closed) {
        throw new TransportException(interfaceName + ": VRRP transport is closed");
      }
      try {
        sendOn(fd, vrrpMessage, destination);
      } catch (Libc.ErrnoException e) {
        throw KernelErrors.explain(
            interfaceName, "cannot send VRRP to " + AddressText.of(destination), e);
      }
    }
  }

  /**
   * Runs the send path against descriptor -1, which the kernel refuses ({@code EBADF}): nothing
   * leaves the host, but a backup's first advert (at its takeover) then runs code that has run
   * before: the socket address made and cached, the header written, the {@code sendto} / {@code
   * sendmsg} downcall linked. Once at open; the engine's takeover rehearsal repeats it until it is
   * compiled.
   */
  @Override
  public void rehearseSend() {
    synchronized (sendLock) {
      try {
        sendOn(-1, new byte[8], group());
      } catch (Libc.ErrnoException | RuntimeException expected) {
        // EBADF, as intended
      }
    }
  }

  /** One send on {@code descriptor} (sendLock held). */
  private void sendOn(int descriptor, byte[] vrrpMessage, InetAddress destination)
      throws Libc.ErrnoException {
    Destination to = destination(destination);
    if (family == AddressFamily.IPV4) {
      int length = Ipv4Header.write(sendPacket, vrrpMessage, sourceBytes, to.raw());
      // Byte 1 of a VRRP message is the VRID: a router with a virtual MAC sends from its
      // macvlan.
      // (CARP: byte 1 is the vhid.)
      Sender via =
          vrrpMessage.length > 1
              ? virtualMacSenders.get(
                  (CarpCodec.isCarp(vrrpMessage) ? CARP_SENDER : 0) + (vrrpMessage[1] & 0xff))
              : null;
      if (via != null) {
        try (Arena arena = Arena.ofConfined()) {
          Libc.sendto(
              via.fd(),
              sendPacket,
              length,
              Libc.MSG_DONTWAIT,
              SocketAddresses.of(arena, destination, via.ifindex()),
              sendCapture);
        }
      } else {
        // MSG_DONTWAIT: the engine thread never waits on a full send buffer; the send fails
        // (EAGAIN), is reported and counted, and the next advert is on time.
        Libc.sendto(descriptor, sendPacket, length, Libc.MSG_DONTWAIT, to.sockaddr(), sendCapture);
      }
    } else {
      sendIpv6(descriptor, vrrpMessage, to.sockaddr());
    }
  }

  /** The socket address and raw bytes of {@code destination}, made once (sendLock held). */
  private Destination destination(InetAddress destination) {
    Destination d = destinations.get(destination);
    if (d == null) {
      boolean keep = destinations.size() < MAX_CACHED_DESTINATIONS;
      d =
          new Destination(
              SocketAddresses.of(keep ? sendArena : Arena.ofAuto(), destination, ifindex),
              destination.getAddress());
      if (keep) {
        destinations.put(destination, d);
      }
    }
    return d;
  }

  /**
   * One sendmsg with IPV6_PKTINFO naming our source (the kernel would pick its own otherwise); the
   * msghdr, iovec and control message are made on the first send and reused (sendLock held).
   */
  private void sendIpv6(int descriptor, byte[] vrrpMessage, MemorySegment name)
      throws Libc.ErrnoException {
    if (sendMsg == null) {
      sendIov = sendArena.allocate(Libc.IOVEC_BYTES);
      sendIov.set(ADDRESS, 0, sendPacket);
      // One cmsg: IPV6_PKTINFO { in6_addr ipi6_addr; unsigned ipi6_ifindex; } = 20 bytes,
      // CMSG_LEN = 16 + 20, CMSG_SPACE = 16 + 24.
      sendControl = sendArena.allocate(Libc.CMSGHDR_BYTES + 24);
      sendControl.set(JAVA_LONG, 0, Libc.CMSGHDR_BYTES + 20);
      sendControl.set(JAVA_INT, 8, Libc.IPPROTO_IPV6);
      sendControl.set(JAVA_INT, 12, Libc.IPV6_PKTINFO);
      MemorySegment.copy(sourceBytes, 0, sendControl, JAVA_BYTE, 16, 16);
      sendControl.set(JAVA_INT, 32, ifindex);
      sendMsg = sendArena.allocate(Libc.MSGHDR_BYTES);
      sendMsg.set(ADDRESS, 16, sendIov);
      sendMsg.set(JAVA_LONG, 24, 1L);
      sendMsg.set(ADDRESS, 32, sendControl);
      sendMsg.set(JAVA_LONG, 40, sendControl.byteSize());
    }
    MemorySegment.copy(vrrpMessage, 0, sendPacket, JAVA_BYTE, 0, vrrpMessage.length);
    sendIov.set(JAVA_LONG, 8, vrrpMessage.length);
    sendMsg.set(ADDRESS, 0, name);
    sendMsg.set(JAVA_INT, 8, (int) name.byteSize());
    Libc.sendmsg(descriptor, sendMsg, Libc.MSG_DONTWAIT, sendCapture);
  }

  @Override
  public InetAddress sourceAddress() {
    return source;
  }

  @Override
  public String interfaceName() {
    return interfaceName;
  }

  /** The interface index the socket is bound to. */
  public int interfaceIndex() {
    return ifindex;
  }

  /** The receive thread, for tests of close. */
  Thread receiverThread() {
    return receiver;
  }

  @Override
  public TransportDrops drops() {
    return drops;
  }

  @Override
  public void close() {
    synchronized (sendLock) {
      if (closed) {
        return;
      }
      closed = true;
      virtualMacSenders.values().forEach(v -> Libc.closeQuietly(v.fd()));
      virtualMacSenders.clear();
    }
    Libc.shutdownQuietly(fd);
    Thread r = receiver;
    if (r == null) {
      Libc.closeQuietly(fd);
      return;
    }
    if (r == Thread.currentThread()) {
      return; // closed from the consumer: the loop ends after this packet and closes the socket
    }
    try {
      if (!r.join(CLOSE_WAIT)) {
        log.warn("{}: VRRP receive thread did not stop within {}", interfaceName, CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void receiveLoop() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = Libc.allocateCapture(arena);
      MemorySegment name = arena.allocate(Libc.SOCKADDR_IN6_BYTES);
      MemorySegment buffer = arena.allocate(TransportDrops.MAX_PACKET_BYTES);
      MemorySegment control = arena.allocate(CONTROL_BYTES);
      MemorySegment iov = arena.allocate(Libc.IOVEC_BYTES);
      iov.set(ADDRESS, 0, buffer);
      iov.set(JAVA_LONG, 8, buffer.byteSize());
      MemorySegment msg = arena.allocate(Libc.MSGHDR_BYTES);
      int consecutiveErrors = 0;
      while (!closed) {
        try {
          // One blocking recvmsg per packet (SO_RCVTIMEO bounds it, shutdown(2) ends it at once):
          // a single system call, where poll and then recvmsg took two.
          if (receiveOne(msg, name, control, iov, buffer, capture)) {
            consecutiveErrors = 0;
          }
        } catch (Libc.ErrnoException e) {
          if (closed) {
            break;
          }
          consecutiveErrors++;
          if (consecutiveErrors == 1 || consecutiveErrors % 100 == 0) {
            log.warn(
                "{}: VRRP receive failed ({} times in a row): {}",
                interfaceName,
                consecutiveErrors,
                e.getMessage());
          }
          pauseAfterError();
        }
      }
    } finally {
      Libc.closeQuietly(fd);
    }
  }

  /**
   * One {@code recvmsg}, blocking for at most {@value #POLL_MILLIS} ms: the packet goes to the
   * consumer (or is dropped and counted). False when nothing came (or the transport closed).
   */
  private boolean receiveOne(
      MemorySegment msg,
      MemorySegment name,
      MemorySegment control,
      MemorySegment iov,
      MemorySegment buffer,
      MemorySegment capture)
      throws Libc.ErrnoException {
    msg.fill((byte) 0);
    msg.set(ADDRESS, 0, name);
    msg.set(JAVA_INT, 8, (int) name.byteSize());
    msg.set(ADDRESS, 16, iov);
    msg.set(JAVA_LONG, 24, 1L);
    msg.set(ADDRESS, 32, control);
    msg.set(JAVA_LONG, 40, control.byteSize());
    long n = Libc.recvmsg(fd, msg, Libc.MSG_TRUNC, capture);
    if (n < 0 || closed) {
      return false;
    }
    long received =
        arrivalNanos(
            System.nanoTime(),
            ControlMessages.receiveTimeEpochNanos(control, msg.get(JAVA_LONG, 40)),
            epochNanosNow());
    int flags = msg.get(JAVA_INT, 48);
    if ((flags & Libc.MSG_TRUNC) != 0 || n > buffer.byteSize()) {
      drops.increment(TransportDrops.Reason.TOO_LONG);
      return true;
    }
    byte[] packet = buffer.asSlice(0, n).toArray(JAVA_BYTE);
    InboundPacket inbound =
        family == AddressFamily.IPV4
            ? ipv4Packet(packet, received)
            : ipv6Packet(packet, name, control, msg.get(JAVA_LONG, 40), received);
    if (inbound == null) {
      return true;
    }
    if (!peers.isEmpty() && !peers.contains(inbound.source())) {
      drops.increment(TransportDrops.Reason.UNKNOWN_PEER);
      return true;
    }
    deliver(inbound);
    return true;
  }

  /** The most a kernel receive stamp may lie in the past: older means a clock step. */
  static final long MAX_STAMP_AGE_NANOS = 1_000_000_000L;

  /**
   * A packet's arrival on the monotonic clock: {@code nowNanos} (read after {@code recvmsg}) less
   * the age of the kernel's receive stamp ({@code CLOCK_REALTIME}, compared with {@code
   * epochNowNanos} read at the same moment). Without a stamp, or with one that is in the future or
   * older than {@value #MAX_STAMP_AGE_NANOS} ns (the wall clock was stepped meanwhile), {@code
   * nowNanos}.
   */
  static long arrivalNanos(long nowNanos, long stampEpochNanos, long epochNowNanos) {
    if (stampEpochNanos < 0) {
      return nowNanos;
    }
    long age = epochNowNanos - stampEpochNanos;
    return age < 0 || age > MAX_STAMP_AGE_NANOS ? nowNanos : nowNanos - age;
  }

  private static long epochNanosNow() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private void deliver(InboundPacket inbound) {
    try {
      consumer.accept(inbound);
    } catch (RuntimeException e) {
      drops.increment(TransportDrops.Reason.CONSUMER_FAILED);
      log.warn("{}: VRRP packet consumer failed: {}", interfaceName, e.toString());
    }
  }

  private InboundPacket ipv4Packet(byte[] packet, long received) {
    Ipv4Header header = Ipv4Header.parse(packet, packet.length);
    if (header == null) {
      drops.increment(TransportDrops.Reason.IP_HEADER);
      return null;
    }
    byte[] payload =
        java.util.Arrays.copyOfRange(
            packet, header.payloadOffset(), header.payloadOffset() + header.payloadLength());
    return new InboundPacket(
        payload,
        header.source(),
        header.destination(),
        header.ttl(),
        received,
        onLink(header.source(), received));
  }

  private InboundPacket ipv6Packet(
      byte[] payload,
      MemorySegment name,
      MemorySegment control,
      long controlLength,
      long received) {
    Ipv6Ancillary facts = Ipv6Ancillary.parse(control, controlLength);
    if (facts == null) {
      drops.increment(TransportDrops.Reason.ANCILLARY_DATA);
      return null;
    }
    InetAddress from = SocketAddresses.read(name);
    return new InboundPacket(
        payload, from, facts.destination(), facts.hopLimit(), received, onLink(from, received));
  }

  /** Whether {@code source} is on this link: see the class comment. Receive thread only. */
  private boolean onLink(InetAddress source, long nowNanos) {
    if (source instanceof Inet6Address && source.isLinkLocalAddress()) {
      return true;
    }
    if (inSubnet(source, subnets)) {
      return true;
    }
    if (nowNanos - subnetsReadNanos >= ON_LINK_REFRESH.toNanos()) {
      subnetsReadNanos = nowNanos;
      try {
        subnets = InterfaceFacts.read(interfaceName).addresses();
      } catch (RuntimeException e) {
        log.debug(
            "{}: cannot re-read the interface's addresses: {}", interfaceName, e.getMessage());
      }
      return inSubnet(source, subnets);
    }
    return false;
  }

  /**
   * True when {@code address} lies in the subnet of one of {@code addresses} (same family, same
   * prefix bits).
   */
  static boolean inSubnet(
      InetAddress address, List<org.vrrpagent.core.io.InterfaceAddress> addresses) {
    byte[] a = address.getAddress();
    for (org.vrrpagent.core.io.InterfaceAddress ia : addresses) {
      byte[] b = ia.address().getAddress();
      if (b.length != a.length) {
        continue;
      }
      int bits = ia.prefixLength();
      boolean match = true;
      for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
        int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
        if (((a[i] ^ b[i]) & mask) != 0) {
          match = false;
          break;
        }
      }
      if (match) {
        return true;
      }
    }
    return false;
  }

  private void pauseAfterError() {
    try {
      Thread.sleep(POLL_MILLIS); // an error that repeats (interface gone) must not spin the CPU
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
