package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Watches one interface for another host answering for our IPv4 addresses: every ARP frame
 * (request, reply, gratuitous) whose sender address is one of the {@link #watch watched} addresses
 * and whose sender MAC is not this interface's is reported. {@link #probe} sends an RFC 5227 ARP
 * probe (sender 0.0.0.0) for an address: a host that has the address configured answers it, so a
 * duplicate is found even when it is silent.
 *
 * <p>One {@code AF_PACKET}/{@code SOCK_RAW} socket bound to the interface with protocol {@code
 * ETH_P_ARP}, read by its own thread (poll with a 200 ms timeout, then a non-blocking {@code
 * recvmsg}); frames this host sends are skipped ({@code PACKET_OUTGOING}). The listener runs on
 * that thread and must not block. Opened in the calling thread's network namespace.
 */
public final class ArpConflictWatch extends ConflictWatch<Inet4Address> {
  private static final int ETH_P_ARP = 0x0806;
  private static final int PACKET_OUTGOING = 4;
  private static final int FRAME_BYTES = 42; // Ethernet header 14 + ARP for IPv4 over Ethernet 28

  private ArpConflictWatch(
      String interfaceName, int fd, int ifindex, byte[] mac, Listener listener) {
    super("ARP watch", interfaceName, fd, ifindex, mac, listener);
  }

  /** Opens the socket on {@code interfaceName} and starts reading. */
  public static ArpConflictWatch open(String interfaceName, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    LinkIdentity.checkName(interfaceName);
    int fd;
    try {
      fd = Libc.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, htons(ETH_P_ARP));
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(
          interfaceName, "cannot open the packet socket that watches ARP", e);
    }
    try (Arena arena = Arena.ofConfined()) {
      LinkIdentity link = LinkIdentity.query(fd, interfaceName, arena);
      int ifindex = link.index();
      byte[] mac = link.mac();
      MemorySegment ll = arena.allocate(Libc.SOCKADDR_LL_BYTES);
      ll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
      ll.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) ETH_P_ARP);
      ll.set(JAVA_INT, 4, ifindex);
      Libc.bind(fd, ll);
      ArpConflictWatch w = new ArpConflictWatch(interfaceName, fd, ifindex, mac, listener);
      w.startReading("ARP watch", Libc.SOCKADDR_LL_BYTES, 256);
      return w;
    } catch (Libc.ErrnoException e) {
      Libc.closeQuietly(fd);
      throw KernelErrors.explain(interfaceName, "cannot bind the ARP watch to the interface", e);
    }
  }

  /**
   * Broadcasts an ARP probe for {@code address} (RFC 5227 §2.1.1: sender 0.0.0.0, so no cache
   * learns anything from it). A host that has the address answers with its MAC.
   */
  @Override
  public void probe(Inet4Address address) {
    byte[] frame = probeFrame(mac, address);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment ll = arena.allocate(Libc.SOCKADDR_LL_BYTES);
      ll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
      ll.set(JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) ETH_P_ARP);
      ll.set(JAVA_INT, 4, ifindex);
      ll.set(JAVA_BYTE, 11, (byte) 6);
      for (int i = 0; i < 6; i++) {
        ll.set(JAVA_BYTE, 12 + i, (byte) 0xff);
      }
      Libc.sendto(fd, arena.allocateFrom(JAVA_BYTE, frame), 0, ll);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(interfaceName, "cannot send an ARP probe", e);
    }
  }

  /** Ethernet broadcast, ARP request: who has {@code target}? tell 0.0.0.0 at {@code mac}. */
  static byte[] probeFrame(byte[] mac, Inet4Address target) {
    byte[] f = new byte[FRAME_BYTES];
    for (int i = 0; i < 6; i++) {
      f[i] = (byte) 0xff; // destination: broadcast
    }
    System.arraycopy(mac, 0, f, 6, 6); // source
    f[12] = 0x08; // ethertype ARP
    f[13] = 0x06;
    f[14] = 0x00; // hardware type Ethernet
    f[15] = 0x01;
    f[16] = 0x08; // protocol type IPv4
    f[17] = 0x00;
    f[18] = 6; // hardware address length
    f[19] = 4; // protocol address length
    f[20] = 0x00; // operation: request
    f[21] = 0x01;
    System.arraycopy(mac, 0, f, 22, 6); // sender MAC; sender IP 28..31 stays 0.0.0.0
    // target MAC 32..37 stays zero
    System.arraycopy(target.getAddress(), 0, f, 38, 4);
    return f;
  }

  /**
   * The sender of an ARP-over-Ethernet frame for IPv4 (request or reply), or null when the frame is
   * something else or the sender address is 0.0.0.0 (a probe).
   */
  static Claim parse(byte[] frame, int length) {
    if (length < FRAME_BYTES || frame[12] != 0x08 || frame[13] != 0x06) {
      return null;
    }
    if (frame[14] != 0
        || frame[15] != 1
        || frame[16] != 0x08
        || frame[17] != 0
        || frame[18] != 6
        || frame[19] != 4) {
      return null;
    }
    byte[] sha = java.util.Arrays.copyOfRange(frame, 22, 28);
    byte[] spa = java.util.Arrays.copyOfRange(frame, 28, 32);
    if (spa[0] == 0 && spa[1] == 0 && spa[2] == 0 && spa[3] == 0) {
      return null;
    }
    try {
      return new Claim((Inet4Address) InetAddress.getByAddress(spa), sha);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // four bytes are always an address
    }
  }

  record Claim(Inet4Address address, byte[] mac) {}

  /** A frame from the watch socket: a claim from another MAC for a watched address is reported. */
  @Override
  void received(MemorySegment sender, byte[] frame) {
    if (sender.get(JAVA_BYTE, 10) == PACKET_OUTGOING) {
      return;
    }
    Claim c = parse(frame, frame.length);
    if (c != null) {
      claimed(c.address(), c.mac());
    }
  }

  private static int htons(int v) {
    return ((v & 0xff) << 8) | ((v >> 8) & 0xff);
  }
}
