package org.vrrpagent.core.wire;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The IP-layer facts the receive rules need, read from the packet that carried an
 * advertisement.
 *
 * @param source the IP source address (the sender's primary address)
 * @param destination the IP destination (224.0.0.18, ff02::12, or a unicast address)
 * @param ttlOrHopLimit IPv4 TTL or IPv6 hop limit as received
 */
public record IpContext(InetAddress source, InetAddress destination, int ttlOrHopLimit) {
  public IpContext {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (ttlOrHopLimit < 0 || ttlOrHopLimit > 255) {
      throw new IllegalArgumentException("TTL " + ttlOrHopLimit + " (expected: 0..255)");
    }
  }
}
