package org.vrrpagent.core.fsm;

import java.util.List;
import java.util.Objects;

/**
 * An effective priority derived from the base priority and the tracked adjustments.
 *
 * @param value 1..254, or 255 for the owner
 * @param fault true when a weight-0 tracked thing is failed: the router belongs in FAULT
 * @param reasons one line per adjustment that applied, for logs and the status API
 */
public record Priority(int value, boolean fault, List<String> reasons) {
  public Priority {
    Objects.requireNonNull(reasons, "reasons");
    reasons = List.copyOf(reasons);
  }

  /**
   * keepalived's tracking: {@code base + Σ adjustments}, where a weight above 0 adds when
   * the tracked thing is up, a weight below 0 subtracts when it is down, and {@code reverse}
   * swaps up and down; the sum is clamped to 1..254. The address owner (255) is never
   * changed. A weight-0 tracked thing that is down (up, if reversed) sets {@code fault}.
   */
  public static Priority compute(int base, List<TrackedAdjustment> tracked) {
    throw new UnsupportedOperationException("not yet");
  }
}
