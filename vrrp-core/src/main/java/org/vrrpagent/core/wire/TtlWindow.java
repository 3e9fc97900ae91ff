package org.vrrpagent.core.wire;

/**
 * The TTL (IPv4) or hop limit (IPv6) a received advert may carry, inclusive at both ends. RFC 9568
 * §7.1 asks for exactly 255: an advert that crossed a router arrives with less and must not take
 * part in an election on this link. A unicast peer across routers relaxes that for its own adverts
 * only, as keepalived's {@code unicast_peer { ADDR min_ttl N max_ttl N }} does.
 *
 * @param minTtl lowest accepted value, 0..255
 * @param maxTtl highest accepted value, minTtl..255
 */
public record TtlWindow(int minTtl, int maxTtl) {
  /** The RFC's rule: 255 and nothing else (the packet was not routed). */
  public static final TtlWindow RFC = new TtlWindow(255, 255);

  public TtlWindow {
    if (minTtl < 0 || minTtl > 255) {
      throw new IllegalArgumentException("min TTL " + minTtl + " (expected: 0..255)");
    }
    if (maxTtl < minTtl || maxTtl > 255) {
      throw new IllegalArgumentException(
          "max TTL " + maxTtl + " (expected: " + minTtl + "..255, at least the min TTL)");
    }
  }

  public boolean contains(int ttl) {
    return ttl >= minTtl && ttl <= maxTtl;
  }

  /** Whether this is the RFC's exact 255. */
  public boolean isRfc() {
    return minTtl == 255 && maxTtl == 255;
  }

  /** The smallest window holding both. */
  public TtlWindow union(TtlWindow other) {
    return new TtlWindow(Math.min(minTtl, other.minTtl), Math.max(maxTtl, other.maxTtl));
  }

  /** {@code 255} or {@code 240..255}. */
  @Override
  public String toString() {
    return minTtl == maxTtl ? Integer.toString(minTtl) : minTtl + ".." + maxTtl;
  }
}
