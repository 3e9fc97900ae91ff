package org.vrrpagent.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Gratuitous ARP (IPv4) / unsolicited Neighbor Advertisement (IPv6) after becoming MASTER, with
 * keepalived's knobs.
 *
 * @param delay pause before the second burst ({@code garp_master_delay}, default 5s; 0s = no second
 *     burst)
 * @param repeat messages per burst ({@code garp_master_repeat}, default 5, 1..{@link #MAX_REPEAT})
 * @param refresh periodic re-announcement while MASTER ({@code garp_master_refresh}, 0s = off)
 */
public record GarpConfig(Duration delay, int repeat, Duration refresh) {
  public static final int MAX_REPEAT = 100;
  public static final GarpConfig DEFAULT = new GarpConfig(Duration.ofSeconds(5), 5, Duration.ZERO);

  public GarpConfig {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(refresh, "refresh");
  }
}
