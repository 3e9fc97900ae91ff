package org.vrrpagent.core.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * When a new master announces its virtual addresses (gratuitous ARP / unsolicited neighbour
 * advertisements), with keepalived's knobs and defaults: {@code repeat} announcements at once on
 * becoming master ({@code garp_master_repeat}, 5), {@code repeat} more after {@code delay} ({@code
 * garp_master_delay}, 5 s; zero: no second round), and one round every {@code refresh} while master
 * ({@code garp_master_refresh}, zero: never).
 */
public record AnnounceSchedule(Duration delay, int repeat, Duration refresh) {
  public static final int MAX_REPEAT = 255;
  public static final AnnounceSchedule KEEPALIVED_DEFAULTS =
      new AnnounceSchedule(Duration.ofSeconds(5), 5, Duration.ZERO);

  public AnnounceSchedule {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(refresh, "refresh");
    if (delay.isNegative() || refresh.isNegative()) {
      throw new IllegalArgumentException("negative announce delay or refresh (expected: >= 0)");
    }
    if (repeat < 1 || repeat > MAX_REPEAT) {
      throw new IllegalArgumentException(
          "announce repeat " + repeat + " (expected: 1.." + MAX_REPEAT + ")");
    }
  }
}
