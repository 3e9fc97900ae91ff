package org.vrrpagent.core.fsm;

import org.vrrpagent.core.wire.VrrpVersion;

/**
 * The RFC timer values for one priority and master interval, all in nanoseconds.
 *
 * @param advertIntervalNanos Master_Adver_Interval (v3: learned from the master; v2: configured)
 * @param skewTimeNanos Skew_Time
 * @param masterDownIntervalNanos Master_Down_Interval
 */
public record TimerIntervals(
    long advertIntervalNanos, long skewTimeNanos, long masterDownIntervalNanos) {
  public static final long NANOS_PER_CENTI = 10_000_000L;
  public static final long NANOS_PER_SECOND = 1_000_000_000L;

  /**
   * The one place the timers come from.
   *
   * <pre>
   * VRRPv3 (RFC 9568 §6.1):  Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256
   * VRRPv2 (RFC 3768 §6.1):  Skew_Time = (256 - Priority) / 256 seconds
   * both:                    Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time
   * </pre>
   *
   * Computed exactly in nanoseconds (1 cs = 10,000,000 ns, divisible by 256 after the
   * multiplication only; the remainder is dropped).
   */
  public static TimerIntervals derive(
      VrrpVersion version, int priority, int masterAdvertIntervalCentis) {
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority " + priority + " (expected: 1..255)");
    }
    if (masterAdvertIntervalCentis < 1) {
      throw new IllegalArgumentException(
          "interval " + masterAdvertIntervalCentis + " cs (expected: at least 1)");
    }
    long advertNanos = masterAdvertIntervalCentis * NANOS_PER_CENTI;
    long skewNanos =
        switch (version) {
          case V3 -> (256L - priority) * advertNanos / 256;
          case V2 -> (256L - priority) * NANOS_PER_SECOND / 256;
        };
    return new TimerIntervals(advertNanos, skewNanos, 3 * advertNanos + skewNanos);
  }
}
