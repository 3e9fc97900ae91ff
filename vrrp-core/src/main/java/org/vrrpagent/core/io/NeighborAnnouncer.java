package org.vrrpagent.core.io;

import java.util.List;

/**
 * Tells the link that addresses now live at this interface's MAC address: one gratuitous ARP (IPv4)
 * or unsolicited Neighbor Advertisement (IPv6) per address per call. Delay, repeat and periodic
 * refresh are the caller's schedule; each call sends one round.
 */
public interface NeighborAnnouncer extends AutoCloseable {

  /**
   * Sends one announcement for each address on {@code interfaceName}.
   *
   * @throws TransportException when the interface is missing or the kernel refuses the send
   */
  void announce(String interfaceName, List<java.net.InetAddress> addresses);

  @Override
  default void close() {}
}
