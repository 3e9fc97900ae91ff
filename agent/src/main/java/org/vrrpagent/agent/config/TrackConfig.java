package org.vrrpagent.agent.config;

import java.util.Objects;

/**
 * An instance's dependency on a check. keepalived semantics: a negative weight is subtracted while
 * the check fails, a positive one added while it is up, weight 0 means "failing → FAULT"; {@code
 * reverse} swaps up and down. For a {@code file} check the weight multiplies the integer read from
 * the file.
 */
public record TrackConfig(String check, int weight, boolean reverse) {
  public static final int MIN_WEIGHT = -253;
  public static final int MAX_WEIGHT = 253;

  public TrackConfig {
    Objects.requireNonNull(check, "check");
  }
}
