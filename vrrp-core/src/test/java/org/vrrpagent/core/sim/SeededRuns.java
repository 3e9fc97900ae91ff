package org.vrrpagent.core.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ObjLongConsumer;
import java.util.stream.LongStream;
import org.vrrpagent.core.wire.DropReason;

/**
 * The randomised simulation tests' common frame: seeds in batches of {@value #SEEDS_PER_BATCH} (one
 * JUnit invocation each), {@code -D<count property>=N} for more, {@code -D<replay property>=S} to
 * replay one seed; a failing seed is printed as {@code seed=…} with the property that replays it,
 * and the run's story.
 */
final class SeededRuns {
  static final int SEEDS_PER_BATCH = 100;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * The only drops a run may show: adverts for a VRID a host does not run (removed by a reload),
   * and packets that reached a transport whose routers a reload removed.
   */
  private static final Set<DropReason> EXPECTED_DROPS =
      EnumSet.of(DropReason.VRID, DropReason.NOT_RUNNING);

  private SeededRuns() {}

  /** The first seed of each batch; a single negative number encodes one seed to replay. */
  static LongStream batches(String countProperty, long defaultSeeds, String replayProperty) {
    String one = System.getProperty(replayProperty);
    if (one != null) {
      return LongStream.of(-Long.parseLong(one) - 1);
    }
    long seeds = Long.getLong(countProperty, defaultSeeds);
    return LongStream.range(0, (seeds + SEEDS_PER_BATCH - 1) / SEEDS_PER_BATCH)
        .map(b -> b * SEEDS_PER_BATCH);
  }

  /** Runs the batch from {@link #batches} (or the one replayed seed). */
  static void runBatch(long batch, String replayProperty, ObjLongConsumer<SimulatedLan> run) {
    if (batch < 0) {
      runOne(-(batch + 1), replayProperty, run);
      return;
    }
    long cpuBefore = THREADS.getCurrentThreadCpuTime();
    long wallBefore = System.nanoTime();
    long events = 0;
    for (long seed = batch; seed < batch + SEEDS_PER_BATCH; seed++) {
      events += runOne(seed, replayProperty, run);
    }
    // The cost, for docs/benchmarks.md (CPU time: the build machine is shared).
    System.out.printf(
        "%s seeds %d..%d: %d tasks, %d ms CPU, %d ms wall%n",
        replayProperty,
        batch,
        batch + SEEDS_PER_BATCH - 1,
        events,
        (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000,
        (System.nanoTime() - wallBefore) / 1_000_000);
  }

  private static long runOne(long seed, String replayProperty, ObjLongConsumer<SimulatedLan> run) {
    SimulatedLan lan = new SimulatedLan(seed);
    try {
      run.accept(lan, seed);
      if (!lan.failures().isEmpty()) {
        throw new AssertionError("the engines reported failures: " + lan.failures());
      }
      for (DropReason reason : DropReason.values()) {
        if (!EXPECTED_DROPS.contains(reason) && lan.drops(reason) > 0) {
          throw new AssertionError(
              lan.drops(reason)
                  + " packets dropped as "
                  + reason.label()
                  + ": every router on the LAN is configured alike, the codec and the policy should accept them");
        }
      }
      return lan.events();
    } catch (AssertionError | RuntimeException e) {
      String message =
          "seed=" + seed + " (replay: -D" + replayProperty + "=" + seed + "): " + e.getMessage();
      System.out.println(message);
      throw new AssertionError(message + "\n" + lan.story(), e);
    }
  }

  /**
   * The chaos both randomised tests play on a host's life: 0 a crash, 1 a restart, 2 a graceful
   * shutdown, each only when it applies.
   */
  static void lifecycle(SimulatedHost host, int choice) {
    switch (choice) {
      case 0 -> {
        if (host.running()) {
          host.crash();
        }
      }
      case 1 -> {
        if (!host.running()) {
          host.restart();
        }
      }
      case 2 -> {
        if (host.running()) {
          host.shutdown();
        }
      }
      default -> throw new IllegalArgumentException("choice " + choice + " (expected: 0..2)");
    }
  }

  /** Splits the hosts in two random sides. */
  static void partition(SimulatedLan lan, List<SimulatedHost> hosts, SplittableRandom r) {
    Set<String> side = new HashSet<>();
    Set<String> other = new HashSet<>();
    for (SimulatedHost h : hosts) {
      (r.nextBoolean() ? side : other).add(h.name());
    }
    lan.partition(side, other);
  }

  /** Loss up to 30 %, duplicates up to 10 %, delay up to {@code maxDelayNanos}. */
  static LanConditions chaosConditions(SplittableRandom r, long maxDelayNanos) {
    return new LanConditions(r.nextDouble() * 0.3, r.nextDouble() * 0.1, 0, maxDelayNanos);
  }

  /** The LAN made whole: no loss; delays, duplicates and reordering stay. */
  static LanConditions wholeConditions(SimulatedLan lan, long maxDelayNanos) {
    return new LanConditions(0, lan.conditions().duplicateProbability(), 0, maxDelayNanos);
  }
}
