package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.IpContext;

/**
 * A seeded, virtual-time LAN of {@link SimulatedNode}s running the real state machine. Every
 * advertisement goes through {@link AdvertisementCodec#encode} and {@link AdvertisementCodec#decode}
 * on its way; the LAN loses, delays, duplicates and reorders packets per {@link LanConditions}
 * and can be partitioned. Nothing reads a clock: {@link #runUntil} advances virtual time from
 * event to event. The same seed gives the same run.
 */
public final class SimulatedLan {
  /** A run that processes more events than this is stuck in a loop: fail instead of hanging. */
  public static final long MAX_EVENTS = 1_000_000L;
  public static final InetAddress VRRP_GROUP_IPV4 = address("224.0.0.18");
  public static final InetAddress VRRP_GROUP_IPV6 = address("ff02::12");

  private record Scheduled(long atNanos, long seq, Runnable task) {}

  private final long seed;
  private final SplittableRandom random;
  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
      (a, b) -> a.atNanos != b.atNanos ? Long.compare(a.atNanos, b.atNanos) : Long.compare(a.seq, b.seq));
  private final Map<String, SimulatedNode> nodes = new LinkedHashMap<>();
  private final List<Transition> transitions = new ArrayList<>();
  private final Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
  private final List<String> misconfigurations = new ArrayList<>();
  private LanConditions conditions = LanConditions.PERFECT;
  /** Node name to partition side; empty while the LAN is whole. */
  private final Map<String, Integer> sides = new HashMap<>();
  private long now;
  private long seq;
  private long events;
  private long packetsSent;
  private long packetsDelivered;
  private long timerGeneration;

  public SimulatedLan(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  public long seed() {
    return seed;
  }

  /** Virtual time in nanoseconds since the LAN was made. */
  public long now() {
    return now;
  }

  public LanConditions conditions() {
    return conditions;
  }

  public void conditions(LanConditions conditions) {
    this.conditions = Objects.requireNonNull(conditions);
  }

  /** A node running independent virtual routers. */
  public SimulatedNode addNode(String name, RouterConfig... routers) {
    return add(new SimulatedNode(this, name, List.of(routers), null));
  }

  /** A node whose virtual routers form one sync group. */
  public SimulatedNode addSyncGroupNode(String name, String group, RouterConfig... routers) {
    return add(new SimulatedNode(this, name, List.of(routers), group));
  }

  private SimulatedNode add(SimulatedNode node) {
    if (nodes.putIfAbsent(node.name(), node) != null) {
      throw new IllegalArgumentException("node " + node.name() + " twice");
    }
    return node;
  }

  public SimulatedNode node(String name) {
    SimulatedNode n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name);
    }
    return n;
  }

  public Collection<SimulatedNode> nodes() {
    return nodes.values();
  }

  /** Runs {@code task} at virtual time {@code atNanos} (scripted faults, crashes, partitions). */
  public void at(long atNanos, Runnable task) {
    schedule(atNanos, task);
  }

  /** Processes every event up to and including {@code untilNanos}; then the clock reads {@code untilNanos}. */
  public void runUntil(long untilNanos) {
    while (!queue.isEmpty() && queue.peek().atNanos <= untilNanos) {
      Scheduled next = queue.poll();
      now = next.atNanos;
      if (++events > MAX_EVENTS) {
        throw new IllegalStateException("seed=" + seed + ": more than " + MAX_EVENTS + " events; stuck?");
      }
      next.task.run();
    }
    now = Math.max(now, untilNanos);
  }

  public void runFor(long nanos) {
    runUntil(now + nanos);
  }

  /** Splits the LAN: packets flow only between nodes on the same side; nodes not named are alone. */
  @SafeVarargs
  public final void partition(Set<String>... groups) {
    sides.clear();
    for (int i = 0; i < groups.length; i++) {
      for (String node : groups[i]) {
        sides.put(node, i);
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

  /** Transitions to {@code state} of any router at or after {@code fromNanos}. */
  public List<Transition> transitionsTo(VrrpState state, long fromNanos) {
    return transitions.stream().filter(t -> t.to() == state && t.atNanos() >= fromNanos).toList();
  }

  public long drops(DropReason reason) {
    return drops.getOrDefault(reason, 0L);
  }

  public List<String> misconfigurations() {
    return List.copyOf(misconfigurations);
  }

  public long events() {
    return events;
  }

  public long packetsSent() {
    return packetsSent;
  }

  public long packetsDelivered() {
    return packetsDelivered;
  }

  /** Nodes whose router for {@code vrid} is MASTER now. */
  public List<String> masters(int vrid) {
    List<String> masters = new ArrayList<>();
    for (SimulatedNode n : nodes.values()) {
      if (n.stateOf(vrid) == VrrpState.MASTER) {
        masters.add(n.name());
      }
    }
    return masters;
  }

  /** The run's story, for failure messages. */
  public String story() {
    StringBuilder s = new StringBuilder("seed=" + seed + "\n");
    transitions.forEach(t -> s.append(t).append('\n'));
    return s.toString();
  }

  // ---------------------------------------------------------------- for SimulatedNode

  void schedule(long atNanos, Runnable task) {
    queue.add(new Scheduled(Math.max(atNanos, now), seq++, task));
  }

  long nextTimerGeneration() {
    return ++timerGeneration;
  }

  void record(Transition t) {
    transitions.add(t);
  }

  void drop(DropReason reason) {
    drops.merge(reason, 1L, Long::sum);
  }

  void misconfigured(String detail) {
    misconfigurations.add(detail);
  }

  SplittableRandom random() {
    return random;
  }

  /** Sends one advertisement from {@code sender} through the codec to every node that can hear it. */
  void multicast(SimulatedNode sender, InetAddress source, Advertisement advert) {
    InetAddress group = advert.family() == AddressFamily.IPV4 ? VRRP_GROUP_IPV4 : VRRP_GROUP_IPV6;
    byte[] payload = AdvertisementCodec.encode(advert, source, group, sender.checksumMode());
    packetsSent++;
    Integer senderSide = sides.get(sender.name());
    for (SimulatedNode receiver : nodes.values()) {
      if (receiver == sender || !receiver.running()) {
        continue;
      }
      if (!whole() && (senderSide == null || !senderSide.equals(sides.get(receiver.name())))) {
        continue;
      }
      if (random.nextDouble() < conditions.lossProbability()) {
        continue;
      }
      int copies = random.nextDouble() < conditions.duplicateProbability() ? 2 : 1;
      for (int c = 0; c < copies; c++) {
        long delay = conditions.minDelayNanos()
            + (conditions.maxDelayNanos() > conditions.minDelayNanos()
                ? random.nextLong(conditions.maxDelayNanos() - conditions.minDelayNanos() + 1) : 0);
        IpContext ip = new IpContext(source, group, 255);
        schedule(now + delay, () -> {
          packetsDelivered++;
          receiver.receive(payload.clone(), ip);
        });
      }
    }
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }
}
