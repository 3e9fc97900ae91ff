package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vrrpagent.core.wire.TtlWindow;

/**
 * An instance's receive hardening (docs/operations.md, "Receive hardening").
 *
 * @param onLinkOnly {@code on-link-only}: multicast, IPv4: accept adverts only from sources in a
 *     subnet of the interface (default true)
 * @param maxLearnedInterval {@code max-learned-interval}: the longest advert interval a backup
 *     learns from a VRRPv3 master; empty = 4 × {@code advert-interval}, at most 40.95 s
 * @param acceptFrom {@code accept-from}: multicast only: the only sources accepted; empty = any
 * @param peerTtl unicast: the {@code min-ttl}..{@code max-ttl} window of each peer that has one
 *     other than the RFC's 255 (docs/geo-failover.md, "Election across routers")
 */
public record ReceiveConfig(
    boolean onLinkOnly,
    Optional<Duration> maxLearnedInterval,
    List<InetAddress> acceptFrom,
    Map<InetAddress, TtlWindow> peerTtl) {
  public static final ReceiveConfig DEFAULT = new ReceiveConfig(true, Optional.empty(), List.of());

  public ReceiveConfig {
    Objects.requireNonNull(maxLearnedInterval, "maxLearnedInterval");
    acceptFrom = List.copyOf(acceptFrom);
    peerTtl = Map.copyOf(peerTtl);
  }

  /** Every unicast peer with the RFC's TTL 255. */
  public ReceiveConfig(
      boolean onLinkOnly, Optional<Duration> maxLearnedInterval, List<InetAddress> acceptFrom) {
    this(onLinkOnly, maxLearnedInterval, acceptFrom, Map.of());
  }

  /** The window adverts from {@code peer} must arrive in. */
  public TtlWindow ttlWindow(InetAddress peer) {
    return peerTtl.getOrDefault(peer, TtlWindow.RFC);
  }
}
