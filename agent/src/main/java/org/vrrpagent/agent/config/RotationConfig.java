package org.vrrpagent.agent.config;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code rotation: { every: 7d, at: "Mon 04:00", hold: 10m }}: at each scheduled time the master
 * hands over to its peer for {@code hold} (docs/geo-failover.md, "Rotation").
 *
 * @param every the period, 1 minute .. 366 days
 * @param day the weekday of {@code at} ({@code every} a multiple of 7 days), or empty
 * @param at the local time of day ({@code every} whole days), or empty: midnight for day periods,
 *     the period's own boundaries for shorter ones
 * @param hold how long the master stays demoted, 1 s .. less than {@code every}
 */
public record RotationConfig(
    Duration every, Optional<DayOfWeek> day, Optional<LocalTime> at, Duration hold) {
  public static final Duration MIN_EVERY = Duration.ofMinutes(1);
  public static final Duration MAX_EVERY = Duration.ofDays(366);
  public static final Duration MIN_HOLD = Duration.ofSeconds(1);

  public RotationConfig {
    Objects.requireNonNull(every, "every");
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(hold, "hold");
    if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
      throw new IllegalArgumentException("every " + every + " (expected: 1m..366d)");
    }
    if (hold.compareTo(MIN_HOLD) < 0 || hold.compareTo(every) >= 0) {
      throw new IllegalArgumentException("hold " + hold + " (expected: 1s..less than every)");
    }
  }
}
