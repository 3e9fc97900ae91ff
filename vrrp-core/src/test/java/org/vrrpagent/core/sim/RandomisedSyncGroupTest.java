package org.vrrpagent.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * Randomised runs of 2..4 hosts, each running one sync group of two virtual routers (VRID 10
 * over IPv4, VRID 11 over IPv6) with one priority per host, through the same chaos as
 * {@link RandomisedElectionTest}. Once the LAN has been whole long enough: exactly one host
 * is master of both VRIDs and holds both addresses, nobody else is master of either, and it
 * has the highest priority; when it then crashes another host takes both over within
 * Master_Down_Interval. {@code -Dvrrp.sim.syncSeeds=N} (default 500), {@code -Dvrrp.sim.syncSeed=S}
 * replays one.
 */
class RandomisedSyncGroupTest {
  private static final int SEEDS_PER_BATCH = 100;
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final InetAddress VIP4 = SimulatedLan.address("198.18.0.100");
  private static final InetAddress VIP6 = SimulatedLan.address("fd00:198:18::100");
  private static final List<String> MEMBERS = List.of("v4", "v6");

  static LongStream batches() {
    String one = System.getProperty("vrrp.sim.syncSeed");
    if (one != null) {
      return LongStream.of(-Long.parseLong(one) - 1);
    }
    long seeds = Long.getLong("vrrp.sim.syncSeeds", 500);
    return LongStream.range(0, (seeds + SEEDS_PER_BATCH - 1) / SEEDS_PER_BATCH).map(b -> b * SEEDS_PER_BATCH);
  }

  @ParameterizedTest(name = "seeds from {0}")
  @MethodSource("batches")
  void hostsFailOverWithAllTheirAddresses(long batch) {
    if (batch < 0) {
      run(-(batch + 1));
      return;
    }
    for (long seed = batch; seed < batch + SEEDS_PER_BATCH; seed++) {
      run(seed);
    }
  }

  private static void run(long seed) {
    SimulatedLan lan = new SimulatedLan(seed);
    try {
      runChecked(seed, lan);
    } catch (AssertionError | RuntimeException e) {
      String message = "seed=" + seed + " (replay: -Dvrrp.sim.syncSeed=" + seed + "): " + e.getMessage();
      System.out.println(message);
      throw new AssertionError(message + "\n" + lan.story(), e);
    }
  }

  private static void runChecked(long seed, SimulatedLan lan) {
    SplittableRandom r = new SplittableRandom(seed * 0xBF58476D1CE4E5B9L + 777);
    int hosts = 2 + r.nextInt(3);
    int interval = 20 + r.nextInt(181);
    boolean ties = r.nextInt(3) == 0;
    List<SimulatedHost> nodes = new ArrayList<>();
    for (int i = 1; i <= hosts; i++) {
      int priority = ties ? 100 + 50 * r.nextInt(2) : 1 + r.nextInt(254);
      boolean fast = r.nextBoolean();
      RouterConfig v4 = RouterConfig.v3("v4", 10, priority, interval, List.of(VIP4), SimulatedLan.address("198.18.0." + i))
          .withFastPreempt(fast);
      RouterConfig v6 = RouterConfig.v3("v6", 11, priority, interval, List.of(VIP6), SimulatedLan.address("fd00:198:18::" + i))
          .withFastPreempt(fast);
      nodes.add(lan.addSyncGroupHost("h" + i, "pair", v4, v6));
    }
    long maxDelay = r.nextInt(4) == 0 ? 0 : r.nextLong(Math.min(50 * MS, interval * 10L * MS / 4) + 1);

    long chaosEnd = (10 + r.nextInt(31)) * S;
    lan.conditions(new LanConditions(r.nextDouble() * 0.3, r.nextDouble() * 0.1, 0, maxDelay));
    for (SimulatedHost node : nodes) {
      lan.at(r.nextInt(3) == 0 ? 0 : r.nextLong(chaosEnd / 2), () -> {
        if (!node.running()) {
          node.start();
        }
      });
    }
    int chaosEvents = 3 + r.nextInt(15);
    for (int i = 0; i < chaosEvents; i++) {
      long choice = r.nextLong();
      lan.at(r.nextLong(chaosEnd), () -> chaos(lan, nodes, new SplittableRandom(choice)));
    }
    lan.runUntil(chaosEnd);

    lan.heal();
    lan.conditions(new LanConditions(0, lan.conditions().duplicateProbability(), 0, maxDelay));
    long worstDown = TimerIntervals.derive(VrrpVersion.V3, 1, interval).masterDownIntervalNanos();
    long settle = worstDown + interval * TimerIntervals.NANOS_PER_CENTI + 2 * maxDelay;
    for (long t = chaosEnd + settle; t <= chaosEnd + settle + 10 * S; t += 10 * MS) {
      lan.runUntil(t);
      checkSafety(lan, nodes, t - chaosEnd);
    }

    List<SimulatedHost> masters = nodes.stream().filter(n -> n.router("v4").state() == VrrpState.MASTER).toList();
    List<SimulatedHost> backups = nodes.stream().filter(SimulatedHost::running)
        .filter(n -> n.router("v4").state() == VrrpState.BACKUP).toList();
    if (masters.isEmpty() || backups.isEmpty()) {
      return;
    }
    long leftAt = lan.now();
    long bound = leftAt + maxDelay + backups.stream()
        .mapToLong(n -> MEMBERS.stream().mapToLong(n::masterDownIntervalNanos).max().orElseThrow())
        .min().orElseThrow();
    masters.getFirst().crash();
    lan.runUntil(bound);
    assertThat(lan.masters(10)).as("master of VRID 10 within %s ns of the crash of %s", bound - leftAt,
        masters.getFirst().name()).isNotEmpty();
    assertThat(lan.masters(11)).as("master of VRID 11 within %s ns", bound - leftAt).isNotEmpty();
    lan.runUntil(bound + settle);
    checkSafety(lan, nodes, lan.now() - leftAt);
  }

  private static void chaos(SimulatedLan lan, List<SimulatedHost> nodes, SplittableRandom r) {
    SimulatedHost node = nodes.get(r.nextInt(nodes.size()));
    String member = MEMBERS.get(r.nextInt(2));
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
        int p = 1 + r.nextInt(254);
        MEMBERS.forEach(m -> node.priority(m, p));
      }
      case 5 -> {
        if (node.hasFault(member)) {
          node.clearFault(member);
        } else {
          node.fault(member, "chaos");
        }
      }
      case 6 -> {
        Set<String> side = new HashSet<>();
        nodes.forEach(n -> {
          if (r.nextBoolean()) {
            side.add(n.name());
          }
        });
        Set<String> other = new HashSet<>();
        nodes.stream().map(SimulatedHost::name).filter(x -> !side.contains(x)).forEach(other::add);
        lan.partition(side, other);
      }
      default -> lan.heal();
    }
  }

  private static void checkSafety(SimulatedLan lan, List<SimulatedHost> nodes, long wholeForNanos) {
    String when = "at " + lan.now() / 1e9 + " s, whole for " + wholeForNanos / 1e9 + " s: ";
    List<SimulatedHost> eligible = nodes.stream().filter(SimulatedHost::running)
        .filter(n -> n.routers().stream().allMatch(x -> x.state() == VrrpState.BACKUP || x.state() == VrrpState.MASTER))
        .toList();
    for (SimulatedHost n : nodes) {
      List<VrrpState> states = n.routers().stream().map(RouterStatus::state).toList();
      assertThat(states.stream().distinct().count() == 1 || !states.contains(VrrpState.MASTER))
          .as(when + n.name() + " members move together: " + states).isTrue();
    }
    if (eligible.isEmpty()) {
      assertThat(lan.masters(10)).as(when + "masters").isEmpty();
      return;
    }
    assertThat(lan.masters(10)).as(when + "masters of VRID 10 among " + eligible).hasSize(1);
    assertThat(lan.masters(11)).as(when + "masters of VRID 11").isEqualTo(lan.masters(10));
    SimulatedHost master = lan.host(lan.masters(10).getFirst());
    for (SimulatedHost n : nodes) {
      assertThat(n.heldAddresses()).as(when + "addresses of " + n.name())
          .isEqualTo(n == master ? Set.of(VIP4, VIP6) : Set.of());
    }
    int best = eligible.stream().mapToInt(n -> n.router("v4").effectivePriority()).max().orElseThrow();
    assertThat(master.router("v4").effectivePriority()).as(when + "master priority").isEqualTo(best);
  }
}
