package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.DropReason;

/**
 * A seeded, virtual-time LAN of {@link SimulatedHost}s, each running the production {@code Engine}
 * on a {@link VirtualScheduler}. Every advertisement the engines send goes through the real codec
 * on both ends; the LAN loses, delays, duplicates and reorders packets per {@link LanConditions}
 * and can be partitioned. Nothing reads a clock: {@link #runUntil} advances virtual time from task
 * to task. The same seed gives the same run.
 *
 * <p>Adverts to the VRRP group reach every other host's transport of that family; an advert to a
 * unicast address reaches the host whose transport has it as its source.
 */
public final class SimulatedLan {
  private final long seed;
  private final String label;
  private final SplittableRandom random;
  private final VirtualScheduler scheduler;
  private final Map<String, SimulatedHost> hosts = new LinkedHashMap<>();
  private final List<SimulatedTransport> transports = new ArrayList<>();
  private final List<Transition> transitions = new ArrayList<>();
  private final List<SimulatedAnnouncer.Announcement> announcements = new ArrayList<>();
  private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
  private final List<String> misconfigurations = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private LanConditions conditions = LanConditions.PERFECT;

  /** Host name to partition side; empty while the LAN is whole. */
  private final Map<String, Integer> sides = new HashMap<>();

  private long packetsSent;
  private long packetsDelivered;

  public SimulatedLan(long seed) {
    this.seed = seed;
    this.label = "seed=" + seed;
    this.random = new SplittableRandom(seed);
    this.scheduler = new VirtualScheduler(label);
  }

  public long seed() {
    return seed;
  }

  /** {@code seed=…}, for failure messages. */
  public String label() {
    return label;
  }

  public VirtualScheduler scheduler() {
    return scheduler;
  }

  /** Virtual time in nanoseconds since the LAN was made. */
  public long now() {
    return scheduler.now();
  }

  public LanConditions conditions() {
    return conditions;
  }

  public void conditions(LanConditions conditions) {
    this.conditions = Objects.requireNonNull(conditions);
  }

  /** A host without routers yet (add them with {@link SimulatedHost#addRouter}). */
  public SimulatedHost addHost(String name) {
    SimulatedHost host = new SimulatedHost(this, name);
    if (hosts.putIfAbsent(name, host) != null) {
      throw new IllegalArgumentException("host " + name + " twice");
    }
    return host;
  }

  /** A host running independent virtual routers. */
  public SimulatedHost addHost(String name, RouterConfig... routers) {
    SimulatedHost host = addHost(name);
    for (RouterConfig r : routers) {
      host.addRouter(r);
    }
    return host;
  }

  /** A host whose virtual routers form one sync group. */
  public SimulatedHost addSyncGroupHost(String name, String group, RouterConfig... routers) {
    return addHost(name).addSyncGroup(group, List.of(routers));
  }

  public SimulatedHost host(String name) {
    SimulatedHost h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host " + name);
    }
    return h;
  }

  public Collection<SimulatedHost> hosts() {
    return hosts.values();
  }

  /**
   * Runs {@code task} at virtual time {@code atNanos} (scripted faults, crashes, partitions,
   * reloads).
   */
  public void at(long atNanos, Runnable task) {
    scheduler.at(atNanos, task);
  }

  /**
   * Runs every task up to and including {@code untilNanos}; then the clock reads {@code
   * untilNanos}.
   */
  public void runUntil(long untilNanos) {
    scheduler.runUntil(untilNanos);
  }

  public void runFor(long nanos) {
    scheduler.runFor(nanos);
  }

  /**
   * Splits the LAN: packets flow only between hosts on the same side; hosts not named are alone.
   */
  @SafeVarargs
  public final void partition(Set<String>... groups) {
    sides.clear();
    for (int i = 0; i < groups.length; i++) {
      for (String host : groups[i]) {
        sides.put(host, i);
      }
    }
  }

  /** Makes the LAN whole again. */
  public void heal() {
    sides.clear();
  }

  public boolean whole() {
    return sides.isEmpty();
  }

  public List<Transition> transitions() {
    return List.copyOf(transitions);
  }

  /**
   * A number that changes whenever a router changes state or a host's addresses change: checks that
   * depend only on those can skip a moment at which it did not move.
   */
  public long version() {
    long v = transitions.size();
    for (SimulatedHost h : hosts.values()) {
      v += h.addressTable().changes();
    }
    return v;
  }

  /** Transitions to {@code state} of any router at or after {@code fromNanos}. */
  public List<Transition> transitionsTo(VrrpState state, long fromNanos) {
    return transitions.stream().filter(t -> t.to() == state && t.atNanos() >= fromNanos).toList();
  }

  /**
   * When a router of {@code host} first became MASTER at or after {@code fromNanos}.
   *
   * @throws IllegalStateException when none did; the message tells the LAN's {@link #story}
   */
  public long becameMasterAtNanos(String host, long fromNanos) {
    return transitionsTo(VrrpState.MASTER, fromNanos).stream()
        .filter(t -> t.host().equals(host))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(host + " never became master\n" + story()))
        .atNanos();
  }

  /** Every announcement round of every host, oldest first. */
  public List<SimulatedAnnouncer.Announcement> announcements() {
    return List.copyOf(announcements);
  }

  public long drops(DropReason reason) {
    return drops.getOrDefault(reason, 0L);
  }

  public List<String> misconfigurations() {
    return List.copyOf(misconfigurations);
  }

  /** What the engines reported as failed (sends, address changes, engine errors). */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** Tasks run so far (engine steps, deliveries, timers, scripted events). */
  public long events() {
    return scheduler.tasks();
  }

  public long packetsSent() {
    return packetsSent;
  }

  public long packetsDelivered() {
    return packetsDelivered;
  }

  /** Hosts whose router for {@code vrid} (either family) is MASTER now. */
  public List<String> masters(int vrid) {
    return masters(vrid, null);
  }

  /** Hosts whose router for {@code vrid} and {@code family} (null: either) is MASTER now. */
  public List<String> masters(int vrid, AddressFamily family) {
    List<String> masters = new ArrayList<>();
    for (SimulatedHost h : hosts.values()) {
      if (h.stateOf(vrid, family) == VrrpState.MASTER) {
        masters.add(h.name());
      }
    }
    return masters;
  }

  /** The run's story, for failure messages. */
  public String story() {
    StringBuilder s = new StringBuilder(label + "\n");
    transitions.forEach(t -> s.append(t).append('\n'));
    failures.forEach(f -> s.append("failure: ").append(f).append('\n'));
    return s.toString();
  }

  // ---------------------------------------------------------------- for the hosts

  SplittableRandom random() {
    return random;
  }

  void opened(SimulatedTransport transport) {
    transports.add(transport);
  }

  void record(Transition t) {
    transitions.add(t);
  }

  void announced(SimulatedAnnouncer.Announcement a) {
    announcements.add(a);
  }

  void drop(DropReason reason) {
    drops.merge(reason, 1L, Long::sum);
  }

  void misconfigured(String detail) {
    misconfigurations.add(detail);
  }

  void failure(String what) {
    failures.add(what);
    if (what.contains("engine error")) {
      // A bug in the engine or the state machine: stop the run here, with its story.
      throw new AssertionError(label + ": " + what);
    }
  }

  /** Carries one message from {@code from} to every transport that can hear it. */
  void send(SimulatedTransport from, byte[] message, InetAddress destination) {
    packetsSent++;
    transports.removeIf(t -> !t.open());
    String sender = from.host().name();
    Integer senderSide = sides.get(sender);
    boolean multicast = destination.isMulticastAddress();
    for (SimulatedTransport to : List.copyOf(transports)) {
      if (to == from || to.host() == from.host() || to.family() != from.family()) {
        continue;
      }
      if (!multicast && !to.sourceAddress().equals(destination)) {
        continue;
      }
      if (!whole() && (senderSide == null || !senderSide.equals(sides.get(to.host().name())))) {
        continue;
      }
      if (random.nextDouble() < conditions.lossProbability()) {
        continue;
      }
      int copies = random.nextDouble() < conditions.duplicateProbability() ? 2 : 1;
      for (int c = 0; c < copies; c++) {
        long delay =
            conditions.minDelayNanos()
                + (conditions.maxDelayNanos() > conditions.minDelayNanos()
                    ? random.nextLong(conditions.maxDelayNanos() - conditions.minDelayNanos() + 1)
                    : 0);
        scheduler.at(
            scheduler.now() + delay,
            () -> {
              if (to.open()) {
                packetsDelivered++;
                to.deliver(
                    new InboundPacket(
                        message.clone(), from.sourceAddress(), destination, 255, scheduler.now()));
              }
            });
      }
    }
  }

  /** An address literal (no name lookup). */
  public static InetAddress address(String literal) {
    try {
      return InetAddress.ofLiteral(literal);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
