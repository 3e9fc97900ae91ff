package org.vrrpagent.agent.addresses;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.addresses.StateFile.AddressEntry;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.linux.AddressEvents;
import org.vrrpagent.core.linux.ArpConflictWatch;
import org.vrrpagent.core.linux.ConflictWatch;
import org.vrrpagent.core.linux.NdConflictWatch;
import org.vrrpagent.core.linux.RtnetlinkCodec;

/**
 * A master keeps its addresses: the addresses we hold (added as MASTER and not yet removed, {@link
 * RecordedAddressTable#held()}) are compared with the interfaces, and one that something else
 * removed ({@code ip addr del}, a network script, a DHCP client) is added again, with a log line,
 * an {@code ADDRESS readded} event and {@code vrrp_address_readded_total}. The comparison (a look:
 * one rtnetlink dump) runs when the kernel tells of an address removal ({@link AddressEvents},
 * within milliseconds of it), when the kernel says it lost events (overrun), and every {@link
 * #LOOK_PERIOD} as a safety net. Without address events (the subscription refused) it looks every
 * {@link #TICK}.
 *
 * <p>And it notices when it is not alone: an {@link ArpConflictWatch} (IPv4) or {@link
 * NdConflictWatch} (IPv6) on each interface that carries an address we hold reports ARP frames or
 * Neighbor Advertisements from another MAC that claim it, and every {@link #PROBE_PERIOD} an ARP
 * probe or a Neighbor Solicitation asks whether anyone else has it. A claim raises the
 * duplicate-address alarm for the instance (one warning per episode, an {@code ADDRESS duplicate}
 * event, {@code vrrp_address_duplicate} = 1, {@code vrrp_address_duplicates_total} + 1); it clears
 * when no claim came for {@link #CLEAR_AFTER}, or when we no longer hold the address. Claims in the
 * first {@link #GRACE} after we took the address are ignored: the old master may not have let go
 * yet, which is a handover, not a conflict.
 *
 * <p>All of this runs on its own thread (and the watches' receive threads), never on the engine
 * thread, and calls nothing in the engine: the engine's own address changes go through the same
 * {@link RecordedAddressTable} lock, so a re-add never undoes a removal the engine made.
 */
public final class AddressReconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AddressReconciler.class);

  /**
   * How often held addresses are compared with the interfaces although no event said so: the safety
   * net under the address events.
   */
  public static final Duration LOOK_PERIOD = Duration.ofSeconds(15);

  /** The reconciler's clock: duplicate watches and probes; looks when events are unavailable. */
  public static final Duration TICK = Duration.ofSeconds(1);

  /** How often each held address is probed (ARP probe, Neighbor Solicitation). */
  public static final Duration PROBE_PERIOD = Duration.ofSeconds(5);

  /** Claims this soon after we added the address are a handover, not a conflict. */
  public static final Duration GRACE = Duration.ofSeconds(3);

  /** A duplicate episode ends after this long without a claim. */
  public static final Duration CLEAR_AFTER = PROBE_PERIOD.multipliedBy(3);

  /** What the reconciler reports; called on its threads, must not block. */
  public interface Listener {
    /** {@code address} was missing and is added again ({@code failure} null), or could not be. */
    void readded(String instance, AddressEntry address, RuntimeException failure);

    void duplicateRaised(String instance, AddressEntry address, String mac);

    void duplicateCleared(String instance, AddressEntry address, String why);
  }

  private final RecordedAddressTable table;
  private final Function<AddressEntry, String> instanceOf;
  private final Listener listener;
  private final ScheduledExecutorService thread;
  private final Map<String, Watch<?>> watches = new LinkedHashMap<>();
  private final Map<AddressEntry, Episode> episodes = new HashMap<>();
  private final Duration lookPeriod;
  private final Function<AddressEvents.Listener, AutoCloseable> subscribe;
  private final AtomicBoolean lookPending = new AtomicBoolean();
  private volatile AutoCloseable events;
  private long lastProbeNanos;
  private long lastLookNanos;

  /** An ARP or a Neighbor Advertisement watch, handed only addresses of its family. */
  private record Watch<A extends InetAddress>(ConflictWatch<A> watch, Class<A> family)
      implements AutoCloseable {
    void watch(Set<InetAddress> addresses) {
      watch.watch(addresses.stream().map(family::cast).collect(Collectors.toSet()));
    }

    void probe(InetAddress address) {
      watch.probe(family.cast(address));
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  private record Episode(String mac, long sinceNanos, long lastSeenNanos, long claims) {}

  /**
   * A raised duplicate-address alarm, for status.
   *
   * @param claims ARP frames from the other MAC in this episode
   */
  public record Duplicate(
      String instance,
      AddressEntry address,
      String mac,
      long sinceNanos,
      long lastSeenNanos,
      long claims) {}

  /**
   * @param instanceOf the instance an address belongs to (for log lines, events and metrics)
   */
  public AddressReconciler(
      RecordedAddressTable table, Function<AddressEntry, String> instanceOf, Listener listener) {
    this(table, instanceOf, listener, LOOK_PERIOD, AddressEvents::open);
  }

  /**
   * @param lookPeriod the safety-net look's period
   * @param subscribe subscribes a listener to the kernel's address events (in the namespace of the
   *     thread that calls {@link #start})
   */
  public AddressReconciler(
      RecordedAddressTable table,
      Function<AddressEntry, String> instanceOf,
      Listener listener,
      Duration lookPeriod,
      Function<AddressEvents.Listener, AutoCloseable> subscribe) {
    this.table = Objects.requireNonNull(table, "table");
    this.instanceOf = Objects.requireNonNull(instanceOf, "instanceOf");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.lookPeriod = Objects.requireNonNull(lookPeriod, "lookPeriod");
    this.subscribe = Objects.requireNonNull(subscribe, "subscribe");
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("address-check").unstarted(r));
  }

  /** Subscribes to address events (in the calling thread's network namespace) and starts. */
  public void start() {
    try {
      events =
          subscribe.apply(
              new AddressEvents.Listener() {
                @Override
                public void changed(RtnetlinkCodec.AddressMessage change) {
                  if (!change.added()) {
                    lookSoon();
                  }
                }

                @Override
                public void overrun() {
                  lookSoon(); // events were lost: look at the whole table
                }
              });
    } catch (RuntimeException e) {
      log.warn(
          "address events unavailable ({}): held addresses are checked every {} s instead",
          e.getMessage(),
          TICK.toSeconds());
    }
    lastLookNanos = System.nanoTime();
    thread.scheduleWithFixedDelay(
        this::round, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** From the events thread: a look on the reconciler's thread, one at a time (coalesced). */
  private void lookSoon() {
    if (lookPending.compareAndSet(false, true)) {
      try {
        thread.execute(
            () -> {
              lookPending.set(false);
              look();
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /**
   * One tick: the safety-net look when it is due (every tick without events), then the duplicate
   * watch (a failure is logged, the next tick runs).
   */
  void round() {
    long now = System.nanoTime();
    Duration period = events == null ? TICK : lookPeriod;
    if (now - lastLookNanos >= period.toNanos() - TICK.toNanos() / 2) {
      look();
    }
    try {
      duplicates(System.nanoTime());
    } catch (RuntimeException e) {
      log.error("duplicate-address check failed: {}", e.toString(), e);
    }
  }

  /** Re-adds every held address that is missing from its interface. */
  private void look() {
    lastLookNanos = System.nanoTime();
    try {
      table.reconcile(
          (entry, failure) -> {
            String instance = instanceOf.apply(entry);
            if (failure == null) {
              log.warn(
                  "{}: {} was removed from {} by something else while MASTER: added again",
                  instance,
                  entry.address(),
                  entry.interfaceName());
            } else {
              log.error(
                  "{}: {} was removed from {} by something else while MASTER, and cannot be added again: {}",
                  instance,
                  entry.address(),
                  entry.interfaceName(),
                  failure.getMessage());
            }
            listener.readded(instance, entry, failure);
          });
    } catch (RuntimeException e) {
      log.error("address check failed: {}", e.toString(), e);
    }
  }

  private void duplicates(long now) {
    Map<AddressEntry, Long> held = table.heldSince();
    // One watch per interface and family ("eth0/4": ARP, "eth0/6": Neighbor Advertisements).
    Map<String, Set<InetAddress>> byWatch = new LinkedHashMap<>();
    for (Map.Entry<AddressEntry, Long> e : held.entrySet()) {
      InetAddress a = e.getKey().address().address();
      if (now - e.getValue() >= GRACE.toNanos()) {
        String key = e.getKey().interfaceName() + (a instanceof Inet4Address ? "/4" : "/6");
        byWatch.computeIfAbsent(key, i -> new HashSet<>()).add(a);
      }
    }
    // Watches follow the held addresses: opened when one is held on an interface, closed after.
    for (String key : Set.copyOf(watches.keySet())) {
      if (!byWatch.containsKey(key)) {
        watches.remove(key).close();
      }
    }
    boolean probe = now - lastProbeNanos >= PROBE_PERIOD.toNanos();
    for (Map.Entry<String, Set<InetAddress>> e : byWatch.entrySet()) {
      String key = e.getKey();
      String name = key.substring(0, key.length() - 2);
      boolean four = key.endsWith("/4");
      Watch<?> w = watches.get(key);
      if (w == null) {
        try {
          w =
              four
                  ? new Watch<>(ArpConflictWatch.open(name, this::claimed), Inet4Address.class)
                  : new Watch<>(NdConflictWatch.open(name, this::claimed), Inet6Address.class);
        } catch (RuntimeException ex) {
          log.debug("duplicate-address watch on {}: {}", key, ex.getMessage());
          continue;
        }
        watches.put(key, w);
        probe = true;
      }
      w.watch(e.getValue());
      if (probe) {
        for (InetAddress a : e.getValue()) {
          try {
            w.probe(a);
          } catch (RuntimeException ex) {
            log.debug("probe for {} on {}: {}", AddressText.of(a), name, ex.getMessage());
          }
        }
      }
    }
    if (probe) {
      lastProbeNanos = now;
    }
    // Episodes end when the claims stop, or when the address is no longer ours.
    synchronized (episodes) {
      for (Map.Entry<AddressEntry, Episode> e : Map.copyOf(episodes).entrySet()) {
        boolean stillHeld = held.containsKey(e.getKey());
        if (!stillHeld || now - e.getValue().lastSeenNanos() >= CLEAR_AFTER.toNanos()) {
          episodes.remove(e.getKey());
          String why =
              stillHeld
                  ? "no other host claimed it for " + CLEAR_AFTER.toSeconds() + " s"
                  : "we no longer hold it";
          String instance = instanceOf.apply(e.getKey());
          log.info(
              "{}: duplicate-address alarm for {} cleared: {}",
              instance,
              AddressText.of(e.getKey().address().address()),
              why);
          listener.duplicateCleared(instance, e.getKey(), why);
        }
      }
    }
  }

  /** From a watch's receive thread: another MAC claims an address we watch. */
  private void claimed(String interfaceName, InetAddress address, String mac) {
    AddressEntry entry = null;
    for (AddressEntry e : table.heldSince().keySet()) {
      if (e.interfaceName().equals(interfaceName) && e.address().address().equals(address)) {
        entry = e;
      }
    }
    if (entry == null) {
      return; // released meanwhile
    }
    boolean raised;
    long now = System.nanoTime();
    synchronized (episodes) {
      Episode old = episodes.get(entry);
      raised = old == null;
      episodes.put(
          entry,
          raised
              ? new Episode(mac, now, now, 1)
              : new Episode(mac, old.sinceNanos(), now, old.claims() + 1));
    }
    if (raised) {
      String instance = instanceOf.apply(entry);
      log.warn(
          "{}: duplicate address: {} on {} is also answered for by {} while we are MASTER "
              + "(another host has it configured, or a second master); alarm raised",
          instance,
          AddressText.of(address),
          interfaceName,
          mac);
      listener.duplicateRaised(instance, entry, mac);
    }
  }

  /** The duplicate-address alarms raised now. Any thread. */
  public java.util.List<Duplicate> duplicates() {
    synchronized (episodes) {
      return episodes.entrySet().stream()
          .map(
              e ->
                  new Duplicate(
                      instanceOf.apply(e.getKey()),
                      e.getKey(),
                      e.getValue().mac(),
                      e.getValue().sinceNanos(),
                      e.getValue().lastSeenNanos(),
                      e.getValue().claims()))
          .toList();
    }
  }

  @Override
  public void close() {
    AutoCloseable subscription = events;
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception ex) {
        log.debug("address events: {}", ex.toString());
      }
    }
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watches.values().forEach(Watch::close);
    watches.clear();
  }
}
