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
 * @param receivedNanos {@link System#nanoTime()} when the transport read the packet
 */
public record InboundPacket(
    byte[] vrrpMessage, InetAddress source, InetAddress destination, int ttlOrHopLimit, long receivedNanos) {
  public InboundPacket {
    Objects.requireNonNull(vrrpMessage, "vrrpMessage");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (ttlOrHopLimit < 0 || ttlOrHopLimit > 255) {
      throw new IllegalArgumentException("TTL " + ttlOrHopLimit + " (expected: 0..255)");
    }
  }
}
