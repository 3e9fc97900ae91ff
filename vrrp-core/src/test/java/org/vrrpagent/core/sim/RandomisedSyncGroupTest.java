package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vrrpagent.core.engine.AnnounceSchedule;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.TimerIntervals;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * Randomised runs of 2..4 hosts, each running the production engine with one sync group of two
 * virtual routers (VRID 10 over IPv4, VRID 11 over IPv6) with one priority per host, and on half
 * the seeds a stand-alone router beside it (VRID 12, IPv4: on the group's IPv4 socket, so packets
 * are demultiplexed between a group member and it), through the chaos of {@link
 * RandomisedElectionTest}, reloads included (the group removed, or removed and added back with
 * another priority, while the host runs). Once the LAN has been whole long enough: a host's members
 * are never split between MASTER and another state; exactly one host is master of both group VRIDs,
 * holds both addresses and has the highest priority; nobody else is master of either; the
 * stand-alone VRID has one master holding its address; every master announced its addresses since
 * it became master. When the group's master then crashes, another host takes both over within
 * Master_Down_Interval. {@code -Dvrrp.sim.syncSeeds=N} (default 2,000), {@code
 * -Dvrrp.sim.syncSeed=S} replays one.
 */
class RandomisedSyncGroupTest {
  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final String SEEDS = "vrrp.sim.syncSeeds";
  private static final String REPLAY = "vrrp.sim.syncSeed";
  private static final InetAddress VIP4 = SimulatedLan.address("198.18.0.100");
  private static final InetAddress VIP6 = SimulatedLan.address("fd00:198:18::100");
  private static final InetAddress SOLO_VIP = SimulatedLan.address("198.18.0.102");
  private static final List<String> MEMBERS = List.of("v4", "v6");
  private static final String SOLO = "solo";

  static LongStream batches() {
    return SeededRuns.batches(SEEDS, 2_000, REPLAY);
  }

  @ParameterizedTest(name = "seeds from {0}")
  @MethodSource("batches")
  void hostsFailOverWithAllTheirAddresses(long batch) {
    SeededRuns.runBatch(batch, REPLAY, RandomisedSyncGroupTest::run);
  }

  /** The routers host {@code i} is configured with. */
  private record HostSetup(List<RouterConfig> members, RouterConfig solo) {}

  private static void run(SimulatedLan lan, long seed) {
    SplittableRandom r = new SplittableRandom(seed * 0xBF58476D1CE4E5B9L + 777);
    int count = 2 + r.nextInt(3);
    int interval = 20 + r.nextInt(181);
    boolean ties = r.nextInt(3) == 0;
    boolean solo = r.nextBoolean();
    List<SimulatedHost> hosts = new ArrayList<>();
    List<HostSetup> setups = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      int priority = ties ? 100 + 50 * r.nextInt(2) : 1 + r.nextInt(254);
      boolean fast = r.nextBoolean();
      InetAddress primary4 = SimulatedLan.address("198.18.0." + i);
      RouterConfig v4 =
          RouterConfig.v3("v4", 10, priority, interval, List.of(VIP4), primary4).toBuilder()
              .fastPreempt(fast)
              .build();
      RouterConfig v6 =
          RouterConfig.v3(
                  "v6", 11, priority, interval, List.of(VIP6), SimulatedLan.address("fe80::" + i))
              .toBuilder()
              .fastPreempt(fast)
              .build();
      RouterConfig alone =
          RouterConfig.v3(SOLO, 12, 1 + r.nextInt(254), interval, List.of(SOLO_VIP), primary4);
      SimulatedHost h = lan.addSyncGroupHost("h" + i, "pair", v4, v6);
      if (solo) {
        h.addRouter(alone);
      }
      h.announce(
          new AnnounceSchedule(
              Duration.ofMillis(r.nextInt(2000)),
              1 + r.nextInt(3),
              r.nextInt(3) == 0 ? Duration.ofMillis(200 + r.nextInt(3000)) : Duration.ZERO));
      hosts.add(h);
      setups.add(new HostSetup(List.of(v4, v6), solo ? alone : null));
    }
    long maxDelay =
        r.nextInt(4) == 0 ? 0 : r.nextLong(Math.min(50 * MS, interval * 10L * MS / 4) + 1);

    long chaosEnd = (10 + r.nextInt(31)) * S;
    lan.conditions(SeededRuns.chaosConditions(r, maxDelay));
    for (SimulatedHost host : hosts) {
      lan.at(
          r.nextInt(3) == 0 ? 0 : r.nextLong(chaosEnd / 2),
          () -> {
            if (!host.running()) {
              host.start();
            }
          });
    }
    int chaosEvents = 3 + r.nextInt(15);
    for (int i = 0; i < chaosEvents; i++) {
      long choice = r.nextLong();
      lan.at(r.nextLong(chaosEnd), () -> chaos(lan, hosts, setups, new SplittableRandom(choice)));
    }
    lan.runUntil(chaosEnd);

    // Whole from now on; a last reload adds back removed groups.
    for (int i = 0; i < count; i++) {
      if (!hasGroup(hosts.get(i))) {
        hosts.get(i).addSyncGroup("pair", setups.get(i).members());
      }
    }
    lan.heal();
    lan.conditions(SeededRuns.wholeConditions(lan, maxDelay));
    long worstDown = TimerIntervals.derive(VrrpVersion.V3, 1, interval).masterDownIntervalNanos();
    long settle = worstDown + interval * TimerIntervals.NANOS_PER_CENTI + 2 * maxDelay;
    long checked = -1;
    for (long t = chaosEnd + settle; t <= chaosEnd + settle + 10 * S; t += 10 * MS) {
      lan.runUntil(t);
      if (lan.version() != checked) { // nothing the check reads changed since the last one: skip
        checked = lan.version();
        checkSafety(lan, hosts, solo, t - chaosEnd);
      }
    }
    checkAnnounced(lan);

    List<String> masters = lan.masters(10);
    List<SimulatedHost> backups =
        hosts.stream()
            .filter(SimulatedHost::running)
            .filter(h -> h.router("v4").state() == VrrpState.BACKUP)
            .toList();
    if (masters.isEmpty() || backups.isEmpty()) {
      return;
    }
    SimulatedHost leaving = lan.host(masters.getFirst());
    long leftAt = lan.now();
    long bound =
        leftAt
            + maxDelay
            + backups.stream()
                .mapToLong(
                    h -> MEMBERS.stream().mapToLong(h::masterDownIntervalNanos).max().orElseThrow())
                .min()
                .orElseThrow();
    leaving.crash();
    lan.runUntil(bound);
    if (lan.masters(10).isEmpty() || lan.masters(11).isEmpty()) {
      throw new AssertionError(
          "no master of VRIDs 10 and 11 within "
              + (bound - leftAt)
              + " ns of the crash of "
              + leaving.name()
              + ": "
              + lan.masters(10)
              + ", "
              + lan.masters(11));
    }
    lan.runUntil(bound + settle);
    checkSafety(lan, hosts, solo, lan.now() - leftAt);
    checkAnnounced(lan);
  }

  private static void chaos(
      SimulatedLan lan, List<SimulatedHost> hosts, List<HostSetup> setups, SplittableRandom r) {
    int index = r.nextInt(hosts.size());
    SimulatedHost host = hosts.get(index);
    String member = MEMBERS.get(r.nextInt(2));
    boolean grouped = hasGroup(host);
    int choice = r.nextInt(10);
    switch (choice) {
      case 0, 1, 2 -> SeededRuns.lifecycle(host, choice);
      case 3, 4 -> {
        if (grouped) {
          int p = 1 + r.nextInt(254);
          MEMBERS.forEach(m -> host.priority(m, p));
        }
      }
      case 5 -> {
        if (grouped && host.hasFault(member)) {
          host.clearFault(member);
        } else if (grouped) {
          host.fault(member, "chaos");
        }
      }
      case 6 -> SeededRuns.partition(lan, hosts, r);
      case 7, 8 -> {
        // A reload: the group goes, comes back, or comes back changed (removed and added at once).
        List<RouterConfig> configured = setups.get(index).members();
        if (!grouped) {
          host.addSyncGroup("pair", configured);
        } else if (r.nextInt(3) == 0) {
          host.removeRouter(member);
        } else {
          host.removeRouter(member);
          int p = 1 + r.nextInt(254);
          host.addSyncGroup(
              "pair", configured.stream().map(c -> c.toBuilder().basePriority(p).build()).toList());
        }
      }
      default -> lan.heal();
    }
  }

  private static boolean hasGroup(SimulatedHost host) {
    return host.configs().stream().anyMatch(c -> c.name().equals("v4"));
  }

  private static void checkSafety(
      SimulatedLan lan, List<SimulatedHost> hosts, boolean solo, long wholeForNanos) {
    Map<SimulatedHost, Map<String, RouterStatus>> now = new HashMap<>();
    for (SimulatedHost h : hosts) {
      Map<String, RouterStatus> byName = new HashMap<>();
      if (h.running()) {
        h.routers().forEach(s -> byName.put(s.name(), s));
      }
      now.put(h, byName);
    }
    List<SimulatedHost> eligible = new ArrayList<>();
    for (SimulatedHost h : hosts) {
      List<VrrpState> states =
          MEMBERS.stream()
              .map(m -> now.get(h).get(m))
              .filter(s -> s != null)
              .map(RouterStatus::state)
              .toList();
      if (states.contains(VrrpState.MASTER) && states.stream().distinct().count() != 1) {
        fail(lan, wholeForNanos, h.name() + " members split: " + states);
      }
      if (states.size() == 2
          && states.stream().allMatch(s -> s == VrrpState.BACKUP || s == VrrpState.MASTER)) {
        eligible.add(h);
      }
    }
    List<String> masters10 = lan.masters(10);
    if (eligible.isEmpty() ? !masters10.isEmpty() : masters10.size() != 1) {
      fail(lan, wholeForNanos, "masters of VRID 10 " + masters10 + " among " + eligible);
    }
    if (!lan.masters(11).equals(masters10)) {
      fail(
          lan,
          wholeForNanos,
          "masters of VRID 11 " + lan.masters(11) + ", of VRID 10 " + masters10);
    }
    SimulatedHost master = masters10.isEmpty() ? null : lan.host(masters10.getFirst());
    for (SimulatedHost h : hosts) {
      boolean expected = h == master;
      if (h.addressTable().holds(VIP4) != expected || h.addressTable().holds(VIP6) != expected) {
        fail(
            lan,
            wholeForNanos,
            h.name()
                + " holds "
                + h.heldAddresses()
                + ", group master is "
                + (master == null ? "nobody" : master.name()));
      }
    }
    if (master != null) {
      int best =
          eligible.stream()
              .mapToInt(h -> now.get(h).get("v4").effectivePriority())
              .max()
              .orElseThrow();
      if (now.get(master).get("v4").effectivePriority() != best) {
        fail(
            lan,
            wholeForNanos,
            "group master "
                + master.name()
                + " priority "
                + now.get(master).get("v4").effectivePriority()
                + ", best "
                + best);
      }
    }
    if (solo) {
      List<String> soloMasters = lan.masters(12);
      boolean anyEligible =
          hosts.stream()
              .map(h -> now.get(h).get(SOLO))
              .anyMatch(
                  s ->
                      s != null
                          && (s.state() == VrrpState.BACKUP || s.state() == VrrpState.MASTER));
      if (anyEligible ? soloMasters.size() != 1 : !soloMasters.isEmpty()) {
        fail(lan, wholeForNanos, "masters of VRID 12 " + soloMasters);
      }
      for (SimulatedHost h : hosts) {
        if (h.addressTable().holds(SOLO_VIP) != soloMasters.contains(h.name())) {
          fail(
              lan,
              wholeForNanos,
              h.name() + " holds " + h.heldAddresses() + ", VRID 12 masters " + soloMasters);
        }
      }
    }
  }

  /** Each master has announced its addresses since it last became master. */
  private static void checkAnnounced(SimulatedLan lan) {
    List<Transition> transitions = lan.transitions();
    for (SimulatedHost h : lan.hosts()) {
      if (!h.running()) {
        continue;
      }
      for (RouterStatus s : h.routers()) {
        if (s.state() != VrrpState.MASTER) {
          continue;
        }
        long since =
            transitions.stream()
                .filter(
                    t ->
                        t.host().equals(h.name())
                            && t.router().equals(s.name())
                            && t.to() == VrrpState.MASTER)
                .mapToLong(Transition::atNanos)
                .max()
                .orElseThrow();
        InetAddress vip = h.config(s.name()).virtualAddresses().getFirst();
        if (h.announcements().stream()
            .noneMatch(a -> a.atNanos() >= since && a.addresses().contains(vip))) {
          throw new AssertionError(
              h.name()
                  + "/"
                  + s.name()
                  + " (master since "
                  + since / 1e9
                  + " s) never announced "
                  + vip.getHostAddress());
        }
      }
    }
  }

  private static void fail(SimulatedLan lan, long wholeForNanos, String what) {
    throw new AssertionError(
        "at " + lan.now() / 1e9 + " s, whole for " + wholeForNanos / 1e9 + " s: " + what);
  }
}
