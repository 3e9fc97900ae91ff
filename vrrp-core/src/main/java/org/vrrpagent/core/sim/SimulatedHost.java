package org.vrrpagent.core.sim;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.carp.CarpConfig;
import org.vrrpagent.core.carp.CarpElection;
import org.vrrpagent.core.engine.AnnounceSchedule;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.engine.RouterBinding;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.TimerIntervals;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.DropReason;

/**
 * One host on the {@link SimulatedLan}, running the production {@link Engine} on virtual time: its
 * interface ({@value #INTERFACE}) with a {@link SimulatedAddressTable}, a {@link
 * SimulatedAnnouncer}, one {@link SimulatedTransport} per address family, and the virtual routers
 * it is configured with (stand-alone or in sync groups), built into {@link RouterBinding}s as the
 * daemon builds them.
 *
 * <p>What a host goes through: {@link #start}, {@link #shutdown} (graceful: a master sends priority
 * 0 and removes its addresses), {@link #crash} (nothing more is sent; the addresses go with the
 * host), {@link #restart}; tracked changes ({@link #priority}, {@link #fault}, {@link
 * #clearFault}), which the host remembers as the daemon's tracker does (a restarted engine starts
 * with them); and reloads ({@link #addRouter}, {@link #addSyncGroup}, {@link #removeRouter}) while
 * running.
 */
public final class SimulatedHost {
  /** The one interface of a simulated host. */
  public static final String INTERFACE = "eth0";

  private static final InetAddress GROUP_IPV4 = SimulatedLan.address("224.0.0.18");
  private static final InetAddress GROUP_IPV6 = SimulatedLan.address("ff02::12");
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  /** What a transport is known by: the engine demultiplexes received packets by it. */
  record TransportKey(String interfaceName, AddressFamily family) {
    @Override
    public String toString() {
      return interfaceName + " " + family;
    }
  }

  /** A stand-alone router ({@code syncGroup} null) or a sync group's members. */
  private record Unit(String syncGroup, List<RouterConfig> members) {}

  private final SimulatedLan lan;
  private final String name;
  private final ChecksumMode checksumMode;
  private final SimulatedAddressTable addressTable = new SimulatedAddressTable();
  private final SimulatedAnnouncer announcer;
  private final Map<AddressFamily, InetAddress> primaries = new EnumMap<>(AddressFamily.class);
  private final Map<String, Unit> units = new LinkedHashMap<>();
  private final Map<String, Integer> trackedPriority = new HashMap<>();
  private final Map<String, CarpConfig> carp = new HashMap<>();
  private final Map<String, String> faults = new LinkedHashMap<>();
  private final List<EngineListener> listeners = new ArrayList<>();
  private AnnounceSchedule announce = AnnounceSchedule.KEEPALIVED_DEFAULTS;
  private long addressLatencyNanos;

  // The running incarnation; null while down.
  private Engine engine;
  private VirtualScheduler.HostThreads threads;
  private final Map<AddressFamily, SimulatedTransport> transports =
      new EnumMap<>(AddressFamily.class);

  SimulatedHost(SimulatedLan lan, String name) {
    this.lan = lan;
    this.name = Objects.requireNonNull(name, "name");
    // Senders differ in the VRRPv3 IPv4 checksum form, as keepalived and RFC 9568 do; receivers
    // accept both.
    this.checksumMode =
        lan.random().nextBoolean() ? ChecksumMode.PSEUDO_HEADER : ChecksumMode.MESSAGE_ONLY;
    this.announcer = new SimulatedAnnouncer(lan, this, addressTable);
    addressTable.addInterface(INTERFACE);
  }

  public String name() {
    return name;
  }

  /** Up and started (not crashed, not shut down). */
  public boolean running() {
    return engine != null;
  }

  /** The engine of the running host; null while it is down. */
  public Engine engine() {
    return engine;
  }

  /** When announcing (default: keepalived's); for routers started after this call. */
  public SimulatedHost announce(AnnounceSchedule schedule) {
    this.announce = Objects.requireNonNull(schedule);
    return this;
  }

  /**
   * How long an address change or announcement takes (virtual time; default 0), from the next
   * start.
   */
  public SimulatedHost addressLatencyNanos(long nanos) {
    this.addressLatencyNanos = nanos;
    return this;
  }

  /**
   * Also tells {@code listener} what the engine does (on the engine thread, from the next start).
   */
  public SimulatedHost listen(EngineListener listener) {
    listeners.add(Objects.requireNonNull(listener));
    return this;
  }

  // ---------------------------------------------------------------- configuration (reload)

  /** Configures a stand-alone router; on a running host it starts at once (a reload). */
  public SimulatedHost addRouter(RouterConfig config) {
    return addUnit(new Unit(null, List.of(config)));
  }

  /**
   * Configures a stand-alone CARP virtual host (its base priority: the configured skew's, {@link
   * CarpConfig#basePriority}); on a running host it starts at once. It announces as ucarp does:
   * once on takeover and again two advert intervals later.
   */
  public SimulatedHost addCarpRouter(CarpConfig config) {
    if (configOrNull(config.name()) != null) {
      throw new IllegalArgumentException(name + ": router " + config.name() + " twice");
    }
    carp.put(config.name(), config);
    return addUnit(new Unit(null, List.of(config.routerConfig(config.basePriority()))));
  }

  /** Configures routers that change state together; on a running host they start at once. */
  public SimulatedHost addSyncGroup(String group, List<RouterConfig> members) {
    return addUnit(new Unit(Objects.requireNonNull(group), List.copyOf(members)));
  }

  private SimulatedHost addUnit(Unit unit) {
    for (RouterConfig c : unit.members()) {
      if (configOrNull(c.name()) != null) {
        throw new IllegalArgumentException(name + ": router " + c.name() + " twice");
      }
      InetAddress primary =
          primaries.computeIfAbsent(
              c.family(),
              f -> {
                int prefix = f == AddressFamily.IPV4 ? 24 : 64;
                addressTable.add(INTERFACE, new InterfaceAddress(c.primaryAddress(), prefix));
                return c.primaryAddress();
              });
      if (!primary.equals(c.primaryAddress())) {
        throw new IllegalArgumentException(
            name
                + ": router "
                + c.name()
                + " has primary address "
                + AddressText.of(c.primaryAddress())
                + ", the host's "
                + c.family()
                + " address is "
                + AddressText.of(primary));
      }
    }
    units.put(
        unit.syncGroup() != null ? "group " + unit.syncGroup() : unit.members().getFirst().name(),
        unit);
    if (engine != null) {
      addToEngine(unit);
      pushTracked(unit);
    }
    return this;
  }

  /**
   * Removes a router (a reload): a running master sends priority 0 and removes its addresses. A
   * sync group goes whole. Transports no router uses any more are closed.
   */
  public void removeRouter(String router) {
    String key = unitKeyOf(router);
    Unit unit = units.remove(key);
    for (RouterConfig c : unit.members()) {
      carp.remove(c.name());
      trackedPriority.remove(c.name());
      faults.remove(c.name());
    }
    if (engine != null) {
      engine.remove(router);
      closeUnusedTransports();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts a fresh engine with every configured router (and the tracked priorities and faults). */
  public void start() {
    if (engine != null) {
      throw new IllegalStateException(name + " is running");
    }
    threads = lan.scheduler().hostThreads(name).addressLatencyNanos(addressLatencyNanos);
    addressTable.usedBy(threads);
    announcer.usedBy(threads);
    engine =
        new Engine(
            addressTable, announcer, new HostListener(threads, List.copyOf(listeners)), threads);
    for (Unit unit : units.values()) {
      addToEngine(unit);
    }
    for (Unit unit : units.values()) {
      for (RouterConfig c : unit.members()) {
        String reason = faults.get(c.name());
        if (reason != null) {
          engine.faultRaised(c.name(), reason);
        }
      }
    }
    engine.start();
  }

  /** Stops gracefully: a master sends priority 0 and removes its addresses. */
  public void shutdown() {
    requireRunning();
    engine.shutdown(SHUTDOWN_TIMEOUT);
    down();
  }

  /** The host dies: nothing more is sent or run, and its virtual addresses are gone with it. */
  public void crash() {
    requireRunning();
    threads.kill();
    down();
    addressTable.reboot(Set.copyOf(primaries.values()));
  }

  /** A stopped or crashed host boots. */
  public void restart() {
    start();
  }

  private void down() {
    transports.values().forEach(SimulatedTransport::close);
    transports.clear();
    engine = null;
  }

  private void requireRunning() {
    if (engine == null) {
      throw new IllegalStateException(name + " is down");
    }
  }

  // ---------------------------------------------------------------- tracking

  /** A tracked change moved {@code router}'s effective priority (1..254; kept while down). */
  public void priority(String router, int effectivePriority) {
    RouterConfig c = config(router);
    if (c.owner()) {
      throw new IllegalArgumentException(
          router + " is the address owner: its priority is always 255");
    }
    trackedPriority.put(router, effectivePriority);
    if (engine != null) {
      engine.priorityChanged(router, effectivePriority);
    }
  }

  /** Something {@code router} depends on failed; reported once until {@link #clearFault}. */
  public void fault(String router, String reason) {
    config(router);
    if (faults.putIfAbsent(router, reason) == null && engine != null) {
      engine.faultRaised(router, reason);
    }
  }

  /** The fault of {@code router} is gone (nothing happens without one). */
  public void clearFault(String router) {
    config(router);
    if (faults.remove(router) != null && engine != null) {
      engine.faultCleared(router);
    }
  }

  /** Whether a fault of {@code router} is reported (whether or not the host runs). */
  public boolean hasFault(String router) {
    return faults.containsKey(router);
  }

  // ---------------------------------------------------------------- what tests look at

  /** The configuration of {@code router} as given. */
  public RouterConfig config(String router) {
    RouterConfig c = configOrNull(router);
    if (c == null) {
      throw new IllegalArgumentException(name + " has no router " + router);
    }
    return c;
  }

  /** The configurations of this host's routers, in the order they were added. */
  public List<RouterConfig> configs() {
    return units.values().stream().flatMap(u -> u.members().stream()).toList();
  }

  /** The engine's view of every router; while down, each in INIT. */
  public List<RouterStatus> routers() {
    if (engine == null) {
      return configs().stream().map(this::down).toList();
    }
    return engine.status();
  }

  /** The engine's view of {@code router}; INIT while down. */
  public RouterStatus router(String router) {
    RouterConfig c = config(router);
    if (engine == null) {
      return down(c);
    }
    return engine.status().stream().filter(s -> s.name().equals(router)).findFirst().orElseThrow();
  }

  /** The only router of a host with one. */
  public RouterStatus router() {
    List<RouterConfig> all = configs();
    if (all.size() != 1) {
      throw new IllegalStateException(name + " has " + all.size() + " routers");
    }
    return router(all.getFirst().name());
  }

  private RouterStatus down(RouterConfig c) {
    return new RouterStatus(
        c.name(),
        VrrpState.INIT,
        c.basePriority(),
        trackedPriorityOf(c),
        null,
        -1,
        c.advertIntervalCentis(),
        faults.get(c.name()),
        0,
        false,
        List.of(),
        carp.containsKey(c.name()) ? "carp" : "vrrp");
  }

  /**
   * The state of this host's router for {@code vrid} (either family); INIT when it has none or is
   * down.
   */
  public VrrpState stateOf(int vrid) {
    return stateOf(vrid, null);
  }

  /**
   * The state of this host's router for {@code vrid} and {@code family} (null: either); INIT when
   * none or down.
   */
  public VrrpState stateOf(int vrid, AddressFamily family) {
    if (engine == null) {
      return VrrpState.INIT;
    }
    for (RouterConfig c : configs()) {
      if (c.vrid() == vrid && (family == null || c.family() == family)) {
        return router(c.name()).state();
      }
    }
    return VrrpState.INIT;
  }

  /**
   * Master_Down_Interval of {@code router} now: its effective priority and the interval it learned.
   */
  public long masterDownIntervalNanos(String router) {
    RouterStatus s = router(router);
    return TimerIntervals.derive(
            config(router).version(), s.effectivePriority(), s.masterAdvertIntervalCentis())
        .masterDownIntervalNanos();
  }

  /** The virtual addresses on this host's interface now. */
  public Set<InetAddress> heldAddresses() {
    return addressTable.addressesExcept(Set.copyOf(primaries.values()));
  }

  /** Every announcement round this host sent, oldest first. */
  public List<SimulatedAnnouncer.Announcement> announcements() {
    return announcer.announcements();
  }

  public SimulatedAddressTable addressTable() {
    return addressTable;
  }

  // ---------------------------------------------------------------- assembly, as the daemon does
  // it

  private void addToEngine(Unit unit) {
    List<RouterBinding> bindings = new ArrayList<>();
    for (RouterConfig c : unit.members()) {
      bindings.add(binding(c));
    }
    if (unit.syncGroup() == null) {
      engine.add(bindings.getFirst());
    } else {
      engine.addSyncGroup(unit.syncGroup(), bindings);
    }
  }

  /** Faults and priorities tracked for a unit added while running reach its new routers. */
  private void pushTracked(Unit unit) {
    for (RouterConfig c : unit.members()) {
      String reason = faults.get(c.name());
      if (reason != null) {
        engine.faultRaised(c.name(), reason);
      }
    }
  }

  private RouterBinding binding(RouterConfig c) {
    // As the daemon does: the router is built with the priority tracking gives it now.
    RouterConfig built = c.owner() ? c : c.toBuilder().basePriority(trackedPriorityOf(c)).build();
    SimulatedTransport transport = transports.computeIfAbsent(c.family(), this::openTransport);
    List<InterfaceAddress> vips =
        c.virtualAddresses().stream()
            .map(a -> new InterfaceAddress(a, c.family() == AddressFamily.IPV4 ? 24 : 64))
            .toList();
    CarpConfig carpConfig = carp.get(c.name());
    return new RouterBinding(
        built,
        INTERFACE,
        new TransportKey(INTERFACE, c.family()),
        transport,
        vips,
        List.of(),
        c.family() == AddressFamily.IPV4 ? GROUP_IPV4 : GROUP_IPV6,
        checksumMode,
        carpConfig == null ? announce : ucarpAnnouncements(carpConfig),
        Optional.ofNullable(carpConfig),
        java.util.Map.of(),
        Optional.empty());
  }

  /** ucarp 1.5.2: gratuitous ARP on takeover and once more two adverts later. */
  public static AnnounceSchedule ucarpAnnouncements(CarpConfig c) {
    return new AnnounceSchedule(
        Duration.ofNanos(2 * CarpElection.advertIntervalNanos(c.advbaseSeconds(), c.advskew())),
        1,
        Duration.ZERO);
  }

  private SimulatedTransport openTransport(AddressFamily family) {
    Engine receiver = engine;
    TransportKey key = new TransportKey(INTERFACE, family);
    return new SimulatedTransport(
        lan, this, INTERFACE, primaries.get(family), receiver.receiver(key));
  }

  private void closeUnusedTransports() {
    Set<AddressFamily> used = new LinkedHashSet<>();
    configs().forEach(c -> used.add(c.family()));
    transports
        .entrySet()
        .removeIf(
            e -> {
              if (!used.contains(e.getKey())) {
                e.getValue().close();
                return true;
              }
              return false;
            });
  }

  private int trackedPriorityOf(RouterConfig c) {
    return trackedPriority.getOrDefault(c.name(), c.basePriority());
  }

  private RouterConfig configOrNull(String router) {
    for (Unit u : units.values()) {
      for (RouterConfig c : u.members()) {
        if (c.name().equals(router)) {
          return c;
        }
      }
    }
    return null;
  }

  private String unitKeyOf(String router) {
    for (Map.Entry<String, Unit> e : units.entrySet()) {
      if (e.getValue().members().stream().anyMatch(c -> c.name().equals(router))) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(name + " has no router " + router);
  }

  ChecksumMode checksumMode() {
    return checksumMode;
  }

  @Override
  public String toString() {
    return name
        + (running() ? "" : " (down)")
        + " "
        + routers().stream()
            .map(s -> s.name() + "=" + s.state() + "/" + s.effectivePriority())
            .toList();
  }

  /**
   * What the LAN records of this host's engine. Checks the threading contract: every call arrives
   * on this incarnation's engine thread.
   */
  private final class HostListener implements EngineListener {
    private final VirtualScheduler.HostThreads on;
    private final List<EngineListener> extra;

    HostListener(VirtualScheduler.HostThreads on, List<EngineListener> extra) {
      this.on = on;
      this.extra = extra;
    }

    @Override
    public void stateChanged(String router, Action.StateChanged change) {
      on.requireEngineLane("EngineListener.stateChanged");
      lan.record(new Transition(lan.now(), name, router, change));
      extra.forEach(l -> l.stateChanged(router, change));
    }

    @Override
    public void advertSent(String router, int priority) {
      on.requireEngineLane("EngineListener.advertSent");
      extra.forEach(l -> l.advertSent(router, priority));
    }

    @Override
    public void advertReceived(String router) {
      on.requireEngineLane("EngineListener.advertReceived");
      extra.forEach(l -> l.advertReceived(router));
    }

    @Override
    public void dropped(String router, DropReason reason, String detail) {
      on.requireEngineLane("EngineListener.dropped");
      lan.drop(reason);
      extra.forEach(l -> l.dropped(router, reason, detail));
    }

    @Override
    public void failure(String router, String message) {
      on.requireEngineLane("EngineListener.failure");
      lan.failure(name + "/" + router + ": " + message);
      extra.forEach(l -> l.failure(router, message));
    }

    @Override
    public void peerMisconfigured(String router, String detail) {
      on.requireEngineLane("EngineListener.peerMisconfigured");
      lan.misconfigured(name + "/" + router + ": " + detail);
      extra.forEach(l -> l.peerMisconfigured(router, detail));
    }
  }
}
