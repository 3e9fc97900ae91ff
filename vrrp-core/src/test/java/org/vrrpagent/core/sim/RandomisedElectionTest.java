package org.vrrpagent.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.TimerIntervals;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * Randomised runs of 2..5 routers (VOPR style): a chaos phase of loss, delay, duplication,
 * reordering, partitions, crashes, restarts, shutdowns, priority changes (some routers with
 * resign-below) and faults; then the
 * LAN is made whole and checked.
 *
 * <ul>
 *   <li>Safety: once the LAN has been whole for Master_Down_Interval + one advert interval
 *       (plus the largest packet delay), exactly one eligible router is master, it holds the
 *       virtual address and nobody else does, and (preempt on) it has the highest effective
 *       priority (among those not resigned). Checked every 10 ms for 10 s.
 *   <li>Liveness: when that master then crashes (or shuts down), some router is master within
 *       the best backup's Master_Down_Interval of the last advert reaching it.
 * </ul>
 *
 * <p>{@value #SEEDS_PER_BATCH} seeds per batch; {@code -Dvrrp.sim.seeds=N} (default 2000)
 * runs more, {@code -Dvrrp.sim.seed=S} replays one. A failure says {@code seed=…} and tells the run's story.
 */
class RandomisedElectionTest {
  static final int SEEDS_PER_BATCH = 100;
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final InetAddress VIP = SimulatedLan.address("198.18.0.100");
  private static final int VRID = 51;

  static LongStream batches() {
    String one = System.getProperty("vrrp.sim.seed");
    if (one != null) {
      return LongStream.of(Long.parseLong(one) * -1 - 1); // negative: a single seed
    }
    long seeds = Long.getLong("vrrp.sim.seeds", 2000);
    return LongStream.range(0, (seeds + SEEDS_PER_BATCH - 1) / SEEDS_PER_BATCH).map(b -> b * SEEDS_PER_BATCH);
  }

  @ParameterizedTest(name = "seeds from {0}")
  @MethodSource("batches")
  void safetyAndLiveness(long batch) {
    if (batch < 0) {
      run(-(batch + 1));
      return;
    }
    for (long seed = batch; seed < batch + SEEDS_PER_BATCH; seed++) {
      run(seed);
    }
  }

  private record Setup(List<RouterConfig> configs, boolean preempt, int maxIntervalCentis, long maxDelayNanos) {}

  private static void run(long seed) {
    SimulatedLan lan = new SimulatedLan(seed);
    try {
      runChecked(seed, lan);
    } catch (AssertionError | RuntimeException e) {
      String message = "seed=" + seed + " (replay: -Dvrrp.sim.seed=" + seed + "): " + e.getMessage();
      System.out.println(message);
      throw new AssertionError(message + "\n" + lan.story(), e);
    }
  }

  private static Setup setup(SplittableRandom r) {
    boolean v2 = r.nextInt(4) == 0;
    boolean preempt = r.nextInt(8) != 0;
    int n = 2 + r.nextInt(4);
    boolean ties = r.nextInt(3) == 0;
    boolean owner = r.nextInt(6) == 0;
    boolean varyIntervals = !v2 && r.nextInt(3) == 0;
    int baseInterval = v2 ? 100 * (1 + r.nextInt(2)) : 20 + r.nextInt(181);
    List<RouterConfig> configs = new ArrayList<>();
    int maxInterval = 0;
    for (int i = 0; i < n; i++) {
      int priority = owner && i == 0 ? 255 : ties ? 100 + 50 * r.nextInt(3) : 1 + r.nextInt(254);
      int interval = varyIntervals ? 20 + r.nextInt(181) : baseInterval;
      maxInterval = Math.max(maxInterval, interval);
      InetAddress primary = SimulatedLan.address("198.18.0." + (i + 1));
      RouterConfig c = v2
          ? RouterConfig.v2("vi", VRID, priority, interval / 100, List.of(VIP), primary)
          : RouterConfig.v3("vi", VRID, priority, interval, List.of(VIP), primary);
      if (!preempt) {
        c = c.withNoPreempt();
      } else if (r.nextBoolean()) {
        c = c.withFastPreempt(true);
      }
      if (r.nextInt(3) == 0) {
        c = c.withResignBelow(1 + r.nextInt(255));
      }
      configs.add(c);
    }
    long maxDelay = r.nextInt(4) == 0 ? 0 : r.nextLong(Math.min(50 * MS, maxInterval * 10L * MS / 4) + 1);
    return new Setup(configs, preempt, maxInterval, maxDelay);
  }

  private static void runChecked(long seed, SimulatedLan lan) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 12345);
    Setup setup = setup(r);
    List<SimulatedHost> nodes = new ArrayList<>();
    for (int i = 0; i < setup.configs().size(); i++) {
      nodes.add(lan.addHost("r" + (i + 1), setup.configs().get(i)));
    }
    long chaosEnd = (10 + r.nextInt(31)) * S;
    lan.conditions(new LanConditions(r.nextDouble() * 0.3, r.nextDouble() * 0.1, 0, setup.maxDelayNanos()));
    for (SimulatedHost node : nodes) {
      long at = r.nextInt(3) == 0 ? 0 : r.nextLong(chaosEnd / 2);
      lan.at(at, () -> {
        if (!node.running()) {
          node.start();
        }
      });
    }
    int chaosEvents = 3 + r.nextInt(15);
    for (int i = 0; i < chaosEvents; i++) {
      long at = r.nextLong(chaosEnd);
      long choice = r.nextLong();
      lan.at(at, () -> chaos(lan, nodes, new SplittableRandom(choice)));
    }
    lan.runUntil(chaosEnd);

    // The LAN becomes whole and stays whole: no partitions, no loss (delay, duplicates and
    // reordering stay). Down nodes stay down; faults stay as they are.
    lan.heal();
    lan.conditions(new LanConditions(0, lan.conditions().duplicateProbability(), 0, setup.maxDelayNanos()));
    long maxIntervalNanos = setup.maxIntervalCentis() * TimerIntervals.NANOS_PER_CENTI;
    long worstDown = TimerIntervals.derive(VrrpVersion.V3, 1, setup.maxIntervalCentis()).masterDownIntervalNanos();
    long settled = chaosEnd + worstDown + maxIntervalNanos + 2 * setup.maxDelayNanos();
    for (long t = settled; t <= settled + 10 * S; t += 10 * MS) {
      lan.runUntil(t);
      checkSafety(lan, nodes, setup.preempt(), t - chaosEnd);
    }

    // Liveness: the master leaves; the best backup takes over within its timer.
    List<SimulatedHost> masters = nodes.stream().filter(n -> n.router().state() == VrrpState.MASTER).toList();
    List<SimulatedHost> backups = nodes.stream().filter(SimulatedHost::running)
        .filter(n -> n.router().state() == VrrpState.BACKUP).toList();
    if (masters.isEmpty() || backups.isEmpty()) {
      return;
    }
    boolean graceful = r.nextBoolean();
    long leftAt = lan.now();
    // Master_Down_Interval even after a graceful shutdown: a regular advert overtaken by the
    // priority-0 one restarts the full timer (the scenario tests pin the Skew_Time case).
    long bound = leftAt + setup.maxDelayNanos()
        + backups.stream().mapToLong(b -> b.masterDownIntervalNanos("vi")).min().orElseThrow();
    if (graceful) {
      masters.getFirst().shutdown();
    } else {
      masters.getFirst().crash();
    }
    lan.runUntil(bound);
    assertThat(lan.transitionsTo(VrrpState.MASTER, leftAt))
        .as("a master within %s ns of %s leaving (%s)", bound - leftAt, masters.getFirst().name(),
            graceful ? "shutdown" : "crash")
        .isNotEmpty();
    long settledAgain = bound + worstDown + maxIntervalNanos + 2 * setup.maxDelayNanos();
    lan.runUntil(settledAgain);
    checkSafety(lan, nodes, setup.preempt(), settledAgain - leftAt);
  }

  private static void chaos(SimulatedLan lan, List<SimulatedHost> nodes, SplittableRandom r) {
    SimulatedHost node = nodes.get(r.nextInt(nodes.size()));
    RouterConfig router = node.config("vi");
    switch (r.nextInt(8)) {
      case 0 -> {
        if (node.running()) {
          node.crash();
        }
      }
      case 1 -> {
        if (!node.running()) {
          node.restart();
        }
      }
      case 2 -> {
        if (node.running()) {
          node.shutdown();
        }
      }
      case 3, 4 -> {
        if (!router.owner()) {
          node.priority(router.name(), 1 + r.nextInt(254));
        }
      }
      case 5 -> {
        if (!node.hasFault(router.name())) {
          node.fault(router.name(), "chaos");
        } else {
          node.clearFault(router.name());
        }
      }
      case 6 -> {
        Set<String> side = new HashSet<>();
        for (SimulatedHost n : nodes) {
          if (r.nextBoolean()) {
            side.add(n.name());
          }
        }
        Set<String> other = new HashSet<>();
        nodes.stream().map(SimulatedHost::name).filter(x -> !side.contains(x)).forEach(other::add);
        lan.partition(side, other);
      }
      default -> lan.heal();
    }
  }

  private static void checkSafety(SimulatedLan lan, List<SimulatedHost> nodes, boolean preempt, long wholeForNanos) {
    List<SimulatedHost> eligible = nodes.stream().filter(SimulatedHost::running)
        .filter(n -> n.router().state() == VrrpState.BACKUP || n.router().state() == VrrpState.MASTER).toList();
    List<SimulatedHost> masters = eligible.stream().filter(n -> n.router().state() == VrrpState.MASTER).toList();
    String when = "at " + lan.now() / 1e9 + " s, whole for " + wholeForNanos / 1e9 + " s: ";
    if (eligible.isEmpty()) {
      assertThat(masters).as(when + "masters").isEmpty();
      return;
    }
    assertThat(masters).as(when + "masters among " + eligible).hasSize(1);
    SimulatedHost master = masters.getFirst();
    for (SimulatedHost n : nodes) {
      assertThat(n.heldAddresses()).as(when + "addresses of " + n.name())
          .isEqualTo(n == master ? Set.of(VIP) : Set.of());
    }
    if (preempt) {
      // A backup that resigned (resign-below) preempts nobody until its priority recovers.
      int best = eligible.stream().filter(n -> n == master || !n.router().resigned())
          .mapToInt(n -> n.router().effectivePriority()).max().orElseThrow();
      assertThat(master.router().effectivePriority()).as(when + "master priority (best eligible " + best + ")")
          .isEqualTo(best);
    }
  }
}
