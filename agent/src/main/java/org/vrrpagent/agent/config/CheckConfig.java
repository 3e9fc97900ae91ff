package org.vrrpagent.agent.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A health check: when and how often it runs, how many results flip it, and its probe.
 *
 * @param name the key under {@code checks:}
 * @param interval time between runs (default 1s, {@link #MIN_INTERVAL}..{@link #MAX_INTERVAL})
 * @param timeout a run taking longer fails (default = interval, never longer)
 * @param rise consecutive successes to go up (default 1, 1..{@link #MAX_RISE_FALL})
 * @param fall consecutive failures to go down (default 1, 1..{@link #MAX_RISE_FALL})
 * @param initial state before the first result (default down, keepalived's init_fail)
 * @param probe what is probed
 */
public record CheckConfig(
    String name, Duration interval, Duration timeout, int rise, int fall, InitialState initial, ProbeConfig probe) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
  public static final Duration MAX_INTERVAL = Duration.ofHours(1);
  public static final int MAX_RISE_FALL = 100;

  public enum InitialState {
    UP,
    DOWN
  }

  public CheckConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException("timeout " + timeout + " longer than interval " + interval);
    }
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(probe, "probe");
  }
}
