package org.vrrpagent.agent.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An instance's receive hardening (docs/operations.md, "Receive hardening").
 *
 * @param onLinkOnly {@code on-link-only}: multicast, IPv4: accept adverts only from sources in a
 *     subnet of the interface (default true)
 * @param maxLearnedInterval {@code max-learned-interval}: the longest advert interval a backup
 *     learns from a VRRPv3 master; empty = 4 × {@code advert-interval}, at most 40.95 s
 * @param acceptFrom {@code accept-from}: multicast only: the only sources accepted; empty = any
 */
public record ReceiveConfig(
    boolean onLinkOnly, Optional<Duration> maxLearnedInterval, List<InetAddress> acceptFrom) {
  public static final ReceiveConfig DEFAULT = new ReceiveConfig(true, Optional.empty(), List.of());

  public ReceiveConfig {
    Objects.requireNonNull(maxLearnedInterval, "maxLearnedInterval");
    acceptFrom = List.copyOf(acceptFrom);
  }
}
