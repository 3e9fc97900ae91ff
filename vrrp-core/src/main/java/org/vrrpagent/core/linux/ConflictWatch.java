package org.vrrpagent.core.linux;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * What the ARP ({@link ArpConflictWatch}) and the Neighbor Advertisement ({@link NdConflictWatch})
 * watches share: the interface, its MAC, the addresses watched, the rule that a claim for a watched
 * address from a MAC other than this interface's is reported, and the {@link WatchReader} that
 * reads the socket.
 *
 * @param <A> the address family's address type
 */
public abstract sealed class ConflictWatch<A extends InetAddress> implements AutoCloseable
    permits ArpConflictWatch, NdConflictWatch {

  /** Told of each claim from another MAC for a watched address, on the watch's reader thread. */
  @FunctionalInterface
  public interface Listener {
    void claimed(String interfaceName, InetAddress address, String mac);
  }

  /** For {@link #toString}, e.g. "ARP watch". */
  private final String what;

  final String interfaceName;
  final int fd;
  final int ifindex;
  final byte[] mac;
  private final Listener listener;
  private volatile Set<A> watched = Set.of();
  private WatchReader reader;

  ConflictWatch(
      String what, String interfaceName, int fd, int ifindex, byte[] mac, Listener listener) {
    this.what = what;
    this.interfaceName = interfaceName;
    this.fd = fd;
    this.ifindex = ifindex;
    this.mac = mac;
    this.listener = listener;
  }

  /**
   * Starts reading the socket into {@link #received}; the reader owns the socket from now on.
   *
   * @param readerName for the reader's log lines and thread name, e.g. "ND watch"
   */
  final void startReading(String readerName, long senderBytes, int bufferBytes) {
    reader =
        WatchReader.start(readerName, interfaceName, fd, senderBytes, bufferBytes, this::received);
  }

  /** The addresses to report claims for (replaces the previous set). Any thread. */
  public final void watch(Set<A> addresses) {
    this.watched = Set.copyOf(addresses);
  }

  /** This interface's MAC, as {@code 02:00:00:00:00:01}. */
  public final String mac() {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }

  /** Asks the link who has {@code address}: a host that has it configured answers. */
  public abstract void probe(A address);

  /** A claim read from the socket: reported when it is for a watched address and not from us. */
  final void claimed(A address, byte[] senderMac) {
    if (Arrays.equals(senderMac, mac) || !watched.contains(address)) {
      return;
    }
    listener.claimed(interfaceName, address, HexFormat.ofDelimiter(":").formatHex(senderMac));
  }

  /** Handles one datagram from the socket, on the reader's thread. */
  abstract void received(MemorySegment sender, byte[] datagram);

  @Override
  public final void close() {
    WatchReader r = reader;
    if (r != null) {
      r.close();
    }
  }

  @Override
  public final String toString() {
    return what + " on " + interfaceName;
  }
}
