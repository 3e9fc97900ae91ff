package org.vrrpagent.core.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link NetnsLab#impair} does to everything a host sends on its {@code eth0}: what {@code tc
 * qdisc add dev eth0 root netem loss L% duplicate D% delay T J} would, built from kernel paths this
 * machine has (its kernel has no {@code sch_netem}):
 *
 * <ul>
 *   <li><b>delay</b> (with <b>jitter</b>, which reorders packets sent closer together than the
 *       jitter): every IPv4/IPv6 packet leaving through eth0 is queued by an {@code iptables -o
 *       eth0 -j NFQUEUE --queue-bypass} rule in the OUTPUT chain to an {@link NfQueueRelay} in the
 *       test JVM, which accepts it after {@code delay ± jitter} (uniform). ARP is not delayed (it
 *       does not pass the IP hooks).
 *   <li><b>loss</b> and <b>duplication</b>: an nftables {@code netdev} table on eth0's egress hook
 *       drops a frame with probability {@code loss%} ({@code numgen random mod 100 < L drop}) and
 *       sends a second copy of a frame with probability {@code duplicate%} ({@code dup to eth0}).
 *       This hook sees every frame, ARP and neighbour discovery included, after the delay.
 * </ul>
 *
 * Percentages are whole numbers 0..100; jitter is at most the delay.
 */
public record Impairment(int lossPercent, int duplicatePercent, Duration delay, Duration jitter) {
  public Impairment {
    checkPercent("loss", lossPercent);
    checkPercent("duplicate", duplicatePercent);
    if (delay.isNegative() || jitter.isNegative() || jitter.compareTo(delay) > 0) {
      throw new IllegalArgumentException(
          "delay " + delay + " jitter " + jitter + " (expected: 0 <= jitter <= delay)");
    }
    if (delay.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("delay " + delay + " (expected: at most 10 s)");
    }
  }

  /** Nothing: no loss, no duplication, no delay. */
  public static Impairment none() {
    return new Impairment(0, 0, Duration.ZERO, Duration.ZERO);
  }

  /** Drops {@code percent}% of the frames. */
  public static Impairment loss(int percent) {
    return none().withLoss(percent);
  }

  /** Sends {@code percent}% of the frames twice. */
  public static Impairment duplication(int percent) {
    return none().duplicate(percent);
  }

  /** Delays every IP packet by {@code delay ± jitter}. */
  public static Impairment delayed(Duration delay, Duration jitter) {
    return none().delay(delay, jitter);
  }

  public Impairment withLoss(int percent) {
    return new Impairment(percent, duplicatePercent, delay, jitter);
  }

  public Impairment duplicate(int percent) {
    return new Impairment(lossPercent, percent, delay, jitter);
  }

  public Impairment delay(Duration delay, Duration jitter) {
    return new Impairment(lossPercent, duplicatePercent, delay, jitter);
  }

  public boolean delays() {
    return delay.isPositive();
  }

  /** Whether the nftables netdev table is needed. */
  boolean dropsOrDuplicates() {
    return lossPercent > 0 || duplicatePercent > 0;
  }

  /** In netem's words, e.g. {@code loss 20% duplicate 5% delay 200ms 50ms}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (lossPercent > 0) {
      parts.add("loss " + lossPercent + "%");
    }
    if (duplicatePercent > 0) {
      parts.add("duplicate " + duplicatePercent + "%");
    }
    if (delays()) {
      parts.add(
          "delay "
              + delay.toMillis()
              + "ms"
              + (jitter.isPositive() ? " " + jitter.toMillis() + "ms" : ""));
    }
    return parts.isEmpty() ? "none" : String.join(" ", parts);
  }

  private static void checkPercent(String what, int p) {
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException(what + " " + p + "% (expected: 0..100)");
    }
  }
}
