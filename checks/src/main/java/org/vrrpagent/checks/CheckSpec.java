package org.vrrpagent.checks;

import java.time.Duration;
import java.util.Objects;
import org.vrrpagent.base.DurationText;

/**
 * One named check: a probe and how often to run it.
 *
 * @param name the check's name, used by {@code track:} entries and metrics; 1..64 of {@code
 *     [A-Za-z0-9_.-]}
 * @param probe what to run
 * @param interval time between run starts; default 1s, limits 10ms..1h
 * @param timeout a run not finished after this is down ("timed out after 1s"); default = interval,
 *     never longer
 * @param rise consecutive up results that turn a down check up; default 1, limits 1..100
 * @param fall consecutive down results that turn an up check down; default 1, limits 1..100
 * @param initial state before the first verdict: down (default: a node does not count a check as
 *     passing before it has passed) or up (keepalived's default; keepalived's {@code init_fail} is
 *     down)
 */
public record CheckSpec(
    String name,
    ProbeSpec probe,
    Duration interval,
    Duration timeout,
    Integer rise,
    Integer fall,
    Initial initial) {

  public enum Initial {
    UP,
    DOWN
  }

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
  public static final Duration MAX_INTERVAL = Duration.ofHours(1);
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
  public static final int DEFAULT_RISE = 1;
  public static final int DEFAULT_FALL = 1;
  public static final int MAX_RISE_FALL = 100;
  public static final int MAX_NAME_CHARS = 64;

  public CheckSpec {
    if (name == null
        || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0," + (MAX_NAME_CHARS - 1) + "}")) {
      throw OptionRules.invalid(
          "",
          "check name "
              + OptionRules.quote(String.valueOf(name))
              + " (expected: letters, digits, \"_\", \"-\" or \".\", at most "
              + MAX_NAME_CHARS
              + " characters)");
    }
    Objects.requireNonNull(probe, "probe");
    interval =
        OptionRules.range(interval, DEFAULT_INTERVAL, MIN_INTERVAL, MAX_INTERVAL, "interval");
    if (timeout != null && timeout.compareTo(interval) > 0) {
      throw OptionRules.invalid(
          "timeout",
          "timeout "
              + DurationText.of(timeout)
              + " is longer than interval "
              + DurationText.of(interval)
              + " (expected: at most the interval)");
    }
    timeout = OptionRules.range(timeout, interval, MIN_TIMEOUT, interval, "timeout");
    rise = OptionRules.range(rise, DEFAULT_RISE, 1, MAX_RISE_FALL, "rise");
    fall = OptionRules.range(fall, DEFAULT_FALL, 1, MAX_RISE_FALL, "fall");
    initial = initial == null ? Initial.DOWN : initial;
  }

  /** A check with every scheduling option at its default. */
  public static CheckSpec of(String name, ProbeSpec probe) {
    return new CheckSpec(name, probe, null, null, null, null, null);
  }
}
