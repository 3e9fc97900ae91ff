package org.vrrpagent.core.engine;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.Event;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.SyncGroup;
import org.vrrpagent.core.fsm.TimerName;
import org.vrrpagent.core.fsm.VirtualRouter;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.NeighborAnnouncer;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;
import org.vrrpagent.core.wire.ReceivedAdvertisement;

/**
 * Runs virtual routers on the real clock: the thin shell around the pure state machine.
 *
 * <p>Threads: one engine thread runs every state machine, every timer and every listener
 * call, so a router's events are handled one at a time in order. Transports deliver packets
 * from their own I/O threads through {@link #receive}, which only enqueues. Address changes
 * and announcements (they fork {@code ip} or write to packet sockets, and may take
 * milliseconds) run in order on a second thread, so they never delay an advertisement.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  /** Received packets waiting for the engine thread; past this they are dropped and counted. */
  public static final int MAX_PENDING_PACKETS = 10_000;

  private final AddressTable addressTable;
  private final NeighborAnnouncer announcer;
  private final EngineListener listener;
  private final ScheduledThreadPoolExecutor engineThread;
  private final ExecutorService addressThread;
  private final AtomicInteger pendingPackets = new AtomicInteger();

  private final Map<String, RouterBinding> bindings = new LinkedHashMap<>();
  private final Map<String, Unit> units = new LinkedHashMap<>();
  private final Map<Object, List<RouterBinding>> byTransport = new LinkedHashMap<>();
  private final Map<String, Map<TimerName, ScheduledFuture<?>>> timers = new LinkedHashMap<>();
  private final Map<String, List<ScheduledFuture<?>>> announcements = new LinkedHashMap<>();
  private final Map<String, Long> sinceNanos = new LinkedHashMap<>();
  private volatile boolean started;
  /** A copy of the routers' names for any thread, replaced whenever a router is added or removed. */
  private volatile List<String> routerNames = List.of();

  public Engine(AddressTable addressTable, NeighborAnnouncer announcer, EngineListener listener) {
    this.addressTable = addressTable;
    this.announcer = announcer;
    this.listener = listener;
    this.engineThread = new ScheduledThreadPoolExecutor(1, r -> platformThread(r, "vrrp-engine"));
    this.engineThread.setRemoveOnCancelPolicy(true);
    this.engineThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.addressThread = Executors.newSingleThreadExecutor(r -> platformThread(r, "vrrp-addresses"));
  }

  private static Thread platformThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.setPriority(Thread.MAX_PRIORITY);
    return t;
  }

  // ------------------------------------------------------------------ configuration

  /**
   * Adds a stand-alone router. Before {@link #start()} it waits for the start; after it (a
   * configuration reload) it starts at once, after removing addresses it may have left.
   */
  public void add(RouterBinding binding) {
    addUnit(List.of(binding), () -> new Single(new VirtualRouter(binding.config())));
  }

  /** Adds routers that change state together (a sync group); before or after {@link #start()}, as {@link #add}. */
  public void addSyncGroup(String name, List<RouterBinding> members) {
    addUnit(members, () -> new Group(new SyncGroup(name, members.stream().map(RouterBinding::config).toList())));
  }

  private void addUnit(List<RouterBinding> members, Supplier<Unit> unitFactory) {
    synchronized (this) {
      if (!started) {
        members.forEach(this::addBinding);
        Unit unit = unitFactory.get();
        members.forEach(b -> units.put(b.name(), unit));
        return;
      }
    }
    for (RouterBinding b : members) {
      removeLeftovers(b);
    }
    call(() -> {
      members.forEach(this::addBinding);
      Unit unit = unitFactory.get();
      members.forEach(b -> units.put(b.name(), unit));
      execute(unit.startup(System.nanoTime()));
      return null;
    });
  }

  /**
   * Stops and removes a running router (a configuration reload): a master sends priority 0
   * and removes its addresses, as at shutdown. A sync group is removed whole: name any member.
   *
   * @return the names of the routers removed
   */
  public List<String> remove(String router) {
    requireRouter(router);
    return call(() -> {
      Unit unit = units.get(router);
      List<String> names = new ArrayList<>();
      units.forEach((name, u) -> {
        if (u == unit) {
          names.add(name);
        }
      });
      if (unit.anyStarted()) {
        execute(unit.shutdown(System.nanoTime()));
      }
      for (String name : names) {
        cancelAnnouncements(name);
        timers.remove(name).values().forEach(f -> f.cancel(false));
        units.remove(name);
        RouterBinding b = bindings.remove(name);
        List<RouterBinding> sharing = byTransport.get(b.transportKey());
        sharing.remove(b);
        if (sharing.isEmpty()) {
          byTransport.remove(b.transportKey());
        }
        sinceNanos.remove(name);
      }
      routerNames = List.copyOf(bindings.keySet());
      return names;
    });
  }

  /** The names of the routers, in the order they were added. Any thread, never blocks. */
  public List<String> routers() {
    return routerNames;
  }

  private void addBinding(RouterBinding binding) {
    if (bindings.putIfAbsent(binding.name(), binding) != null) {
      throw new IllegalArgumentException("router '" + binding.name() + "' added twice");
    }
    for (RouterBinding other : byTransport.getOrDefault(binding.transportKey(), List.of())) {
      if (other.config().vrid() == binding.config().vrid()) {
        throw new IllegalArgumentException("routers '" + other.name() + "' and '" + binding.name()
            + "' share VRID " + binding.config().vrid() + " on one link (expected: one router per VRID)");
      }
    }
    byTransport.computeIfAbsent(binding.transportKey(), k -> new ArrayList<>()).add(binding);
    routerNames = List.copyOf(bindings.keySet());
    timers.put(binding.name(), new EnumMap<>(TimerName.class));
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Removes virtual addresses a crashed previous run left on the interfaces, then starts every
   * router (INIT → BACKUP, or MASTER for an address owner). Returns when the routers started.
   */
  public void start() {
    synchronized (this) {
      if (started) {
        throw new IllegalStateException("started twice");
      }
      started = true;
    }
    for (RouterBinding b : bindings.values()) {
      removeLeftovers(b);
    }
    call(() -> {
      long now = System.nanoTime();
      List<Unit> done = new ArrayList<>();
      for (Unit unit : units.values()) {
        if (!done.contains(unit)) {
          done.add(unit);
          execute(unit.startup(now));
        }
      }
      return null;
    });
  }

  /**
   * Stops every router: a master sends priority 0 and removes its addresses (RFC 9568 §6.4.3).
   * Waits at most {@code timeout} for the adverts to leave and the addresses to go.
   *
   * @return true when everything finished in time
   */
  public boolean shutdown(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean clean = true;
    if (started && !engineThread.isShutdown()) {
      try {
        callWithin(() -> {
          long now = System.nanoTime();
          List<Unit> done = new ArrayList<>();
          for (Unit unit : units.values()) {
            if (!done.contains(unit) && unit.anyStarted()) {
              done.add(unit);
              execute(unit.shutdown(now));
            }
          }
          for (List<ScheduledFuture<?>> list : announcements.values()) {
            list.forEach(f -> f.cancel(false));
          }
          return null;
        }, deadline);
      } catch (TimeoutException e) {
        log.error("shutdown: the engine did not stop in time; virtual addresses may remain");
        clean = false;
      }
    }
    engineThread.shutdownNow();
    addressThread.shutdown();
    try {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!addressThread.awaitTermination(left, TimeUnit.NANOSECONDS)) {
        log.error("shutdown: address removal did not finish in time");
        clean = false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = false;
    }
    addressThread.shutdownNow();
    return clean;
  }

  private void removeLeftovers(RouterBinding b) {
    List<InterfaceAddress> removed = addressTable.removeLeftovers(b.interfaceName(), b.virtualAddresses());
    if (!removed.isEmpty()) {
      log.warn("{}: removed virtual addresses left on {} by an earlier run: {}", b.name(), b.interfaceName(), removed);
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }

  // ------------------------------------------------------------------ inputs (any thread)

  /** A transport's I/O thread hands over a packet; it is decoded and routed on the engine thread. */
  public void receive(Object transportKey, InboundPacket packet) {
    if (!started) {
      listener.dropped(null, DropReason.NOT_RUNNING, "from " + packet.source().getHostAddress() + " before start");
      return;
    }
    if (pendingPackets.incrementAndGet() > MAX_PENDING_PACKETS) {
      pendingPackets.decrementAndGet();
      listener.dropped(null, DropReason.QUEUE_FULL, "engine queue holds " + MAX_PENDING_PACKETS + " packets");
      return;
    }
    try {
      engineThread.execute(() -> {
        pendingPackets.decrementAndGet();
        try {
          handlePacket(transportKey, packet);
        } catch (RuntimeException e) {
          // A bug, not a bad packet: say so loudly, keep the engine running.
          log.error("engine error on a packet from {}: {}", packet.source().getHostAddress(), e.toString(), e);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException stopped) {
      pendingPackets.decrementAndGet();
    }
  }

  /** The router's effective priority changed (tracking, priority-order file, operator). */
  public void priorityChanged(String router, int effectivePriority) {
    post(router, new Event.PriorityChanged(effectivePriority));
  }

  public void faultRaised(String router, String reason) {
    post(router, new Event.FaultRaised(reason));
  }

  public void faultCleared(String router) {
    post(router, new Event.FaultCleared());
  }

  private void post(String router, Event event) {
    requireRouter(router);
    engineThread.execute(() -> {
      if (units.containsKey(router)) { // not removed by a reload meanwhile
        dispatch(router, event);
      }
    });
  }

  /** A consistent snapshot of every router, taken on the engine thread. */
  public List<RouterStatus> status() {
    return call(() -> {
      List<RouterStatus> out = new ArrayList<>();
      for (RouterBinding b : bindings.values()) {
        VirtualRouter r = units.get(b.name()).router(b.name());
        out.add(new RouterStatus(b.name(), r.state(), b.config().basePriority(), r.effectivePriority(),
            r.masterAddress(), r.masterPriority(), r.masterAdvertIntervalCentis(), r.faultReason(),
            sinceNanos.getOrDefault(b.name(), 0L), r.conflicts()));
      }
      return out;
    });
  }

  // ------------------------------------------------------------------ engine thread

  private void handlePacket(Object transportKey, InboundPacket packet) {
    List<RouterBinding> candidates = byTransport.get(transportKey);
    if (candidates == null) {
      // Its routers were removed by a reload; the transport is closing.
      listener.dropped(null, DropReason.NOT_RUNNING, "from " + packet.source().getHostAddress() + ": no router on "
          + transportKey + " any more");
      return;
    }
    ReceivedAdvertisement advert;
    try {
      advert = AdvertisementCodec.decode(packet.vrrpMessage(),
          new IpContext(packet.source(), packet.destination(), packet.ttlOrHopLimit(), packet.sourceOnLink()));
    } catch (MalformedAdvertisementException e) {
      listener.dropped(null, e.reason(), "from " + packet.source().getHostAddress() + ": " + e.getMessage());
      return;
    }
    int vrid = advert.advertisement().vrid();
    for (RouterBinding b : candidates) {
      if (b.config().vrid() == vrid) {
        // Counted as received only when the router accepted it: its drops have their reasons.
        if (dispatch(b.name(), new Event.AdvertReceived(advert))) {
          safely(b.name(), () -> listener.advertReceived(b.name()));
        }
        return;
      }
    }
    listener.dropped(null, DropReason.VRID,
        "VRID " + vrid + " from " + packet.source().getHostAddress() + " (not configured on this link)");
  }

  /** Handles an event and executes its actions; false when the router dropped it (or failed). */
  private boolean dispatch(String router, Event event) {
    try {
      SequencedMap<String, List<Action>> actions = units.get(router).handle(router, event, System.nanoTime());
      execute(actions);
      return actions.getOrDefault(router, List.of()).stream().noneMatch(a -> a instanceof Action.Dropped);
    } catch (RuntimeException e) {
      log.error("{}: engine error handling {}: {}", router, event, e.toString(), e);
      listener.failure(router, "engine error handling " + event + ": " + e);
      return false;
    }
  }

  private void execute(SequencedMap<String, List<Action>> actionsByRouter) {
    actionsByRouter.forEach(this::execute);
  }

  private void execute(String router, List<Action> actions) {
    RouterBinding b = bindings.get(router);
    for (Action action : actions) {
      switch (action) {
        case Action.SendAdvertisement s -> send(b, s);
        case Action.AddAddresses a -> changeAddresses(b, a.addresses(), true);
        case Action.RemoveAddresses r -> {
          cancelAnnouncements(router);
          changeAddresses(b, r.addresses(), false);
        }
        case Action.AnnounceAddresses a -> scheduleAnnouncements(b, a.addresses());
        case Action.ArmTimer t -> arm(router, t.timer(), t.deadlineNanos());
        case Action.CancelTimer c -> cancel(router, c.timer());
        case Action.StateChanged c -> {
          sinceNanos.put(router, System.nanoTime());
          log.info("{}: {} -> {} ({}, prio {})", router, c.from(), c.to(), c.reason(), c.priority());
          safely(router, () -> listener.stateChanged(router, c));
        }
        case Action.Dropped d -> safely(router, () -> listener.dropped(router, d.reason(), d.detail()));
        case Action.ConflictRaised c -> {
          // Once per episode, not per packet: the drops themselves are counted by reason.
          log.warn("{}: CONFLICT with {}: {} differs ({}); it claims VRID {} on {} and we drop its adverts, so both"
              + " of us may hold the addresses; fix the configuration on one side", router,
              c.conflict().peer().getHostAddress(), c.conflict().differs(), c.conflict().detail(), b.config().vrid(),
              b.interfaceName());
          safely(router, () -> listener.conflictRaised(router, c.conflict()));
        }
        case Action.ConflictCleared c -> {
          log.info("{}: conflict with {} over: no advert from it we had to drop for {} s ({} dropped)", router,
              c.conflict().peer().getHostAddress(),
              VirtualRouter.conflictQuietNanos(b.config()) / 1_000_000_000L, c.conflict().adverts());
          safely(router, () -> listener.conflictCleared(router, c.conflict()));
        }
        case Action.PeerMisconfigured p -> {
          log.warn("{}: {}", router, p.detail());
          safely(router, () -> listener.peerMisconfigured(router, p.detail()));
        }
      }
    }
  }

  private void send(RouterBinding b, Action.SendAdvertisement s) {
    List<InetAddress> destinations = b.unicastPeers().isEmpty() ? List.of(b.group()) : b.unicastPeers();
    for (InetAddress destination : destinations) {
      try {
        byte[] message = AdvertisementCodec.encode(
            s.advert(), b.transport().sourceAddress(), destination, b.checksumMode());
        b.transport().send(message, destination);
      } catch (RuntimeException e) {
        listener.failure(b.name(), e.getMessage());
        log.warn("{}: advertisement to {} not sent: {}", b.name(), destination.getHostAddress(), e.getMessage());
        continue;
      }
      safely(b.name(), () -> listener.advertSent(b.name(), s.advert().priority()));
    }
  }

  private void changeAddresses(RouterBinding b, List<InetAddress> addresses, boolean add) {
    List<InterfaceAddress> withPrefix = addresses.stream().map(b::withPrefix).toList();
    addressThread.execute(() -> {
      for (InterfaceAddress a : withPrefix) {
        try {
          if (add) {
            addressTable.add(b.interfaceName(), a);
          } else {
            addressTable.remove(b.interfaceName(), a);
          }
        } catch (RuntimeException e) {
          String what = (add ? "cannot add " : "cannot remove ") + a + " on " + b.interfaceName() + ": " + e.getMessage();
          log.error("{}: {}", b.name(), what);
          engineThread.execute(() -> listener.failure(b.name(), what));
        }
      }
    });
  }

  private void scheduleAnnouncements(RouterBinding b, List<InetAddress> addresses) {
    cancelAnnouncements(b.name());
    List<ScheduledFuture<?>> futures = new ArrayList<>();
    AnnounceSchedule s = b.announce();
    announceRound(b, addresses, s.repeat());
    if (!s.delay().isZero()) {
      futures.add(engineThread.schedule(
          () -> announceRound(b, addresses, s.repeat()), s.delay().toNanos(), TimeUnit.NANOSECONDS));
    }
    if (!s.refresh().isZero()) {
      long period = s.refresh().toNanos();
      futures.add(engineThread.scheduleAtFixedRate(
          () -> announceRound(b, addresses, 1), period, period, TimeUnit.NANOSECONDS));
    }
    announcements.put(b.name(), futures);
  }

  private void announceRound(RouterBinding b, List<InetAddress> addresses, int times) {
    addressThread.execute(() -> {
      for (int i = 0; i < times; i++) {
        try {
          announcer.announce(b.interfaceName(), addresses);
        } catch (RuntimeException e) {
          log.warn("{}: announcing {} on {} failed: {}", b.name(), addresses, b.interfaceName(), e.getMessage());
          return;
        }
      }
    });
  }

  private void cancelAnnouncements(String router) {
    List<ScheduledFuture<?>> futures = announcements.remove(router);
    if (futures != null) {
      futures.forEach(f -> f.cancel(false));
    }
  }

  private void arm(String router, TimerName timer, long deadlineNanos) {
    cancel(router, timer);
    long delay = Math.max(0, deadlineNanos - System.nanoTime());
    Map<TimerName, ScheduledFuture<?>> routerTimers = timers.get(router);
    ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
    self[0] = engineThread.schedule(() -> {
      // A timer cancelled or re-armed after it was queued to run must not fire.
      if (routerTimers.get(timer) == self[0]) {
        routerTimers.remove(timer);
        dispatch(router, new Event.TimerFired(timer));
      }
    }, delay, TimeUnit.NANOSECONDS);
    routerTimers.put(timer, self[0]);
  }

  private void cancel(String router, TimerName timer) {
    ScheduledFuture<?> f = timers.get(router).remove(timer);
    if (f != null) {
      f.cancel(false);
    }
  }

  private void safely(String router, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("{}: a listener threw (ignored): {}", router, e.toString(), e);
    }
  }

  private void requireRouter(String router) {
    if (!routers().contains(router)) {
      throw new IllegalArgumentException("no router named '" + router + "'");
    }
  }

  private <T> T call(Supplier<T> work) {
    try {
      return callWithin(work, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
    } catch (TimeoutException e) {
      throw new IllegalStateException("the engine thread did not answer within 10 s");
    }
  }

  private <T> T callWithin(Supplier<T> work, long deadlineNanos) throws TimeoutException {
    CompletableFuture<T> f = CompletableFuture.supplyAsync(work, engineThread);
    try {
      return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  // ------------------------------------------------------------------ units

  /** A stand-alone router or a sync group: what events are dispatched to. */
  private sealed interface Unit permits Single, Group {
    SequencedMap<String, List<Action>> handle(String router, Event event, long now);

    SequencedMap<String, List<Action>> startup(long now);

    SequencedMap<String, List<Action>> shutdown(long now);

    VirtualRouter router(String name);

    boolean anyStarted();
  }

  private record Single(VirtualRouter router) implements Unit {
    @Override
    public SequencedMap<String, List<Action>> handle(String name, Event event, long now) {
      SequencedMap<String, List<Action>> out = new LinkedHashMap<>();
      out.put(name, router.handle(event, now));
      return out;
    }

    @Override
    public SequencedMap<String, List<Action>> startup(long now) {
      return handle(router.config().name(), new Event.Startup(), now);
    }

    @Override
    public SequencedMap<String, List<Action>> shutdown(long now) {
      return handle(router.config().name(), new Event.Shutdown(), now);
    }

    @Override
    public VirtualRouter router(String name) {
      return router;
    }

    @Override
    public boolean anyStarted() {
      return router.state() != VrrpState.INIT;
    }
  }

  private record Group(SyncGroup group) implements Unit {
    @Override
    public SequencedMap<String, List<Action>> handle(String name, Event event, long now) {
      return group.handle(name, event, now);
    }

    @Override
    public SequencedMap<String, List<Action>> startup(long now) {
      return group.handleAll(new Event.Startup(), now);
    }

    @Override
    public SequencedMap<String, List<Action>> shutdown(long now) {
      return group.handleAll(new Event.Shutdown(), now);
    }

    @Override
    public VirtualRouter router(String name) {
      return group.member(name);
    }

    @Override
    public boolean anyStarted() {
      return group.members().stream().anyMatch(r -> r.state() != VrrpState.INIT);
    }
  }
}
