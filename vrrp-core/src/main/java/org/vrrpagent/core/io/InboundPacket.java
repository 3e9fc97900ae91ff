package org.vrrpagent.core.io;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One received VRRP packet, IP header already removed.
 *
 * @param vrrpMessage the IP payload (the VRRP message)
 * @param source the IP source address
 * @param destination the IP destination address (the group or our unicast address)
 * @param ttlOrHopLimit the IPv4 TTL or IPv6 hop limit as received
 * @param receivedNanos the engine clock's time ({@link System#nanoTime()} on a host) when the
 *     transport read the packet: the time the engine handles it at (a time ahead of the engine's
 *     clock counts as now)
 * @param sourceOnLink the transport found the source in a subnet of the receiving interface (IPv4)
 *     or link-local (IPv6): a fact for the receive policy, which decides
 */
public record InboundPacket(
    byte[] vrrpMessage,
    InetAddress source,
    InetAddress destination,
    int ttlOrHopLimit,
    long receivedNanos,
    boolean sourceOnLink) {
  public InboundPacket {
    Objects.requireNonNull(vrrpMessage, "vrrpMessage");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (ttlOrHopLimit < 0 || ttlOrHopLimit > 255) {
      throw new IllegalArgumentException("TTL " + ttlOrHopLimit + " (expected: 0..255)");
    }
  }

  /** A packet whose source is on-link (in-memory transports, the simulated LAN). */
  public InboundPacket(
      byte[] vrrpMessage,
      InetAddress source,
      InetAddress destination,
      int ttlOrHopLimit,
      long receivedNanos) {
    this(vrrpMessage, source, destination, ttlOrHopLimit, receivedNanos, true);
  }
}
