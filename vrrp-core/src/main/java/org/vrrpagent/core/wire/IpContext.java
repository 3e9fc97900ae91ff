package org.vrrpagent.core.wire;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The IP-layer facts the receive rules need, read from the packet that carried an advertisement.
 *
 * @param source the IP source address (the sender's primary address)
 * @param destination the IP destination (224.0.0.18, ff02::12, or a unicast address)
 * @param ttlOrHopLimit IPv4 TTL or IPv6 hop limit as received
 * @param sourceOnLink the transport's finding: the source lies in a subnet of the receiving
 *     interface (IPv4) or is link-local (IPv6). The codec passes it on; policy uses it.
 */
public record IpContext(
    InetAddress source, InetAddress destination, int ttlOrHopLimit, boolean sourceOnLink) {
  public IpContext {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (ttlOrHopLimit < 0 || ttlOrHopLimit > 255) {
      throw new IllegalArgumentException("TTL " + ttlOrHopLimit + " (expected: 0..255)");
    }
  }

  /** A packet whose source the transport found on-link (tests, the simulated LAN). */
  public IpContext(InetAddress source, InetAddress destination, int ttlOrHopLimit) {
    this(source, destination, ttlOrHopLimit, true);
  }
}
