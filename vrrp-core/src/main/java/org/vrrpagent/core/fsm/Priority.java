package org.vrrpagent.core.fsm;

import java.util.ArrayList;
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

  /** Lowest and highest priority tracking can produce for a router that is not the owner. */
  public static final int MIN_TRACKED = 1;

  public static final int MAX_TRACKED = 254;

  /**
   * keepalived's tracking: {@code base + Σ adjustments}, clamped to 1..254. A weight above 0 adds
   * when the tracked thing is up; a weight below 0 subtracts when it is down; {@code reverse}
   * negates the weight (a positive weight then subtracts when down, a negative one adds when up). A
   * weight-0 tracked thing that is down sets {@code fault} (with {@code reverse}: when it is up).
   * The address owner (base 255) keeps 255 whatever is tracked; only its fault flag is computed.
   *
   * @param base the configured priority, 1..255
   */
  public static Priority compute(int base, List<TrackedAdjustment> tracked) {
    if (base < 1 || base > RouterConfig.OWNER_PRIORITY) {
      throw new IllegalArgumentException("base priority " + base + " (expected: 1..255)");
    }
    boolean owner = base == RouterConfig.OWNER_PRIORITY;
    int sum = base;
    boolean fault = false;
    List<String> reasons = new ArrayList<>();
    for (TrackedAdjustment t : tracked) {
      if (t.weight() == 0) {
        boolean failed = t.reverse() ? t.up() : !t.up();
        if (failed) {
          fault = true;
          reasons.add(
              t.name()
                  + " "
                  + (t.up() ? "up" : "down")
                  + (t.reverse() ? " (reversed)" : "")
                  + ": fault");
        }
        continue;
      }
      int weight = t.reverse() ? -t.weight() : t.weight();
      if (weight > 0 && t.up()) {
        sum += weight;
        reasons.add(t.name() + " up: +" + weight + (owner ? " (ignored: address owner)" : ""));
      } else if (weight < 0 && !t.up()) {
        sum += weight;
        reasons.add(t.name() + " down: " + weight + (owner ? " (ignored: address owner)" : ""));
      }
    }
    int value = owner ? base : Math.clamp(sum, MIN_TRACKED, MAX_TRACKED);
    if (!owner && value != sum) {
      reasons.add("clamped " + sum + " to " + value);
    }
    return new Priority(value, fault, reasons);
  }
}
