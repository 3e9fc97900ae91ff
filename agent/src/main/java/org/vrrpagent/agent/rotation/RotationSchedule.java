package org.vrrpagent.agent.rotation;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Objects;
import org.vrrpagent.agent.config.RotationConfig;

/**
 * When rotations fall due: pure, the time and the zone come from outside. The times are {@code
 * ORIGIN} (adjusted to {@code day} and {@code at}) plus whole periods, so both nodes of a pair
 * compute the same ones whenever they started. Periods of whole days step in local date and time
 * ("Mon 04:00" stays 04:00 across a daylight-saving change); shorter periods step in real time.
 */
public final class RotationSchedule {
  /** Monday 2024-01-01 00:00 local: where the count of periods starts. */
  static final LocalDateTime ORIGIN = LocalDateTime.of(2024, 1, 1, 0, 0);

  private final RotationConfig config;
  private final ZoneId zone;
  private final LocalDateTime anchor;

  public RotationSchedule(RotationConfig config, ZoneId zone) {
    this.config = Objects.requireNonNull(config, "config");
    this.zone = Objects.requireNonNull(zone, "zone");
    LocalDateTime a = ORIGIN;
    if (config.day().isPresent()) {
      DayOfWeek d = config.day().get();
      a = a.with(TemporalAdjusters.nextOrSame(d));
    }
    this.anchor = a.with(config.at().orElse(LocalTime.MIDNIGHT));
  }

  /** The first scheduled time strictly after {@code after}. */
  public Instant next(Instant after) {
    Duration every = config.every();
    if (every.toSeconds() % 86_400 == 0 && every.toNanosPart() == 0) {
      long days = every.toDays();
      LocalDateTime local = LocalDateTime.ofInstant(after, zone);
      long elapsed = ChronoUnit.DAYS.between(anchor.toLocalDate(), local.toLocalDate());
      long k = Math.floorDiv(elapsed, days) - 1;
      LocalDateTime candidate = anchor.plusDays(k * days);
      // At most a few steps: k starts one period early to cover times of day and DST gaps.
      while (!candidate.atZone(zone).toInstant().isAfter(after)) {
        candidate = candidate.plusDays(days);
      }
      return candidate.atZone(zone).toInstant();
    }
    Instant start = anchor.atZone(zone).toInstant();
    long everyNanos = every.toNanos();
    long sinceStart = Duration.between(start, after).toNanos();
    long k = Math.floorDiv(sinceStart, everyNanos) + 1;
    return start.plusNanos(k * everyNanos);
  }
}
