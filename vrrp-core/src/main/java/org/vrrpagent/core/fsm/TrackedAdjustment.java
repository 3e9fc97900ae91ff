package org.vrrpagent.core.fsm;

import java.util.Objects;

/**
 * One tracked thing (a check, an interface, a file) and how it moves the priority, with
 * keepalived's semantics: a positive weight adds when up, a negative weight subtracts when down,
 * {@code reverse} inverts "up", and weight 0 means a failure puts the router in FAULT.
 *
 * @param name what is tracked, for the reason text
 * @param weight -254..254
 * @param up the tracked thing's current state
 * @param reverse keepalived's {@code reverse}: the adjustment applies on the opposite state
 */
public record TrackedAdjustment(String name, int weight, boolean up, boolean reverse) {
  public static final int MAX_WEIGHT = 254;

  public TrackedAdjustment {
    Objects.requireNonNull(name, "name");
    if (weight < -MAX_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight " + weight + " of '" + name + "' (expected: -254..254)");
    }
  }
}
