package org.vrrpagent.core.sim;

/**
 * How the simulated LAN treats each packet: each receiver's copy is lost with {@code
 * lossProbability}, arrives after a delay drawn uniformly from {@code minDelayNanos..maxDelayNanos}
 * (so copies can overtake each other: reordering), and is delivered twice with {@code
 * duplicateProbability}.
 */
public record LanConditions(
    double lossProbability, double duplicateProbability, long minDelayNanos, long maxDelayNanos) {
  /** Every packet arrives once, at once. */
  public static final LanConditions PERFECT = new LanConditions(0, 0, 0, 0);

  public LanConditions {
    if (lossProbability < 0
        || lossProbability > 1
        || duplicateProbability < 0
        || duplicateProbability > 1) {
      throw new IllegalArgumentException("probabilities must be 0..1");
    }
    if (minDelayNanos < 0 || maxDelayNanos < minDelayNanos) {
      throw new IllegalArgumentException("delay " + minDelayNanos + ".." + maxDelayNanos + " ns");
    }
  }
}
