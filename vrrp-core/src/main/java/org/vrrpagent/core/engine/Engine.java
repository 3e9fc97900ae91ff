package org.vrrpagent.core.engine;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.core.carp.CarpAdvertisement;
import org.vrrpagent.core.carp.CarpCodec;
import org.vrrpagent.core.carp.CarpElection;
import org.vrrpagent.core.carp.CarpRouter;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.Event;
import org.vrrpagent.core.fsm.Router;
import org.vrrpagent.core.fsm.SyncGroup;
import org.vrrpagent.core.fsm.TimerName;
import org.vrrpagent.core.fsm.VirtualRouter;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.NeighborAnnouncer;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;
import org.vrrpagent.core.wire.ReceivedAdvertisement;
import org.vrrpagent.core.wire.TtlWindow;

/**
 * Runs virtual routers: the shell around the pure state machine that executes its actions (timers,
 * sends, address changes, announcements), demultiplexes received packets across routers, and adds
 * and removes routers while running (reload). The same class runs in the daemon and in the seeded
 * simulation: it reads time only from its {@link EngineScheduler} and schedules only on it, and
 * reaches the network only through {@link Transport}s, the {@link AddressTable} and the {@link
 * NeighborAnnouncer}.
 *
 * <p>Threads (the contract, see {@link EngineListener}): one engine thread runs every state machine
 * step, every timer and every listener call, so a router's events are handled one at a time in
 * order, and it waits on nothing but its own queue. Transports deliver packets from their own I/O
 * threads through {@link #receive}, which only enqueues (bounded by {@link #MAX_PENDING_PACKETS}).
 * Address changes and announcements run in order on the scheduler's address lane, so they never
 * delay an advertisement; their failures come back to the engine thread. The configuration methods
 * ({@link #add}, {@link #remove}, {@link #start}, {@link #shutdown}) may be called from any thread
 * but the engine thread and wait (bounded) for the engine thread to do the work; {@link #status}
 * from any thread.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  /** Received packets waiting for the engine thread; past this they are dropped and counted. */
  public static final int MAX_PENDING_PACKETS = 10_000;

  /**
   * A packet that repeats its router's previous one may wait for the engine thread's next wake-up
   * ({@link EngineScheduler#executeDeferred}) while fewer than this many packets are pending; past
   * it the engine thread is woken, so the wait stays short and the queue small.
   */
  static final int MAX_DEFERRED_PACKETS = 256;

  /** How long a configuration call waits for the engine thread. */
  private static final long CALL_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final AddressTable addressTable;
  private final NeighborAnnouncer announcer;
  private final EngineListener listener;
  private final EngineScheduler scheduler;
  private final AtomicInteger pendingPackets = new AtomicInteger();

  /**
   * Packets refused because the queue was full, not yet reported to the listener (engine thread
   * reports).
   */
  private final AtomicLong unreportedQueueFull = new AtomicLong();

  // Engine thread only (and the configuring thread before start, under the call() hand-over).
  private final Map<String, RouterBinding> bindings = new LinkedHashMap<>();
  private final Map<String, Unit> units = new LinkedHashMap<>();
  private final Map<Object, LinkRouters> byTransport = new LinkedHashMap<>();
  private final Map<String, RouterTimers> timers = new LinkedHashMap<>();

  /** The timer events, made once: a fired timer allocates no event. */
  private static final Event.TimerFired[] FIRED = new Event.TimerFired[TimerName.values().length];

  static {
    for (TimerName t : TimerName.values()) {
      FIRED[t.ordinal()] = new Event.TimerFired(t);
    }
  }

  /**
   * The action list a stand-alone router's event fills (engine thread), reused from event to event;
   * it arms timers directly ({@link Action.TimerSink}).
   */
  private final ScratchActions scratch = new ScratchActions();

  private boolean scratchInUse;

  /**
   * While the engine thread handles a packet: the time the transport read it, which is the time its
   * events happen at. A backup's down timer counts from the advert's arrival, not from when the
   * engine thread got to it: after a priority-0 advert the takeover comes Skew_Time after the
   * packet, as the RFC says, however long the hand-over from the receive thread took (0.5 to 2.5 ms
   * measured in the lab, the wake-up of a parked thread), and a deferred repeat counts from its
   * arrival too. {@code Long.MIN_VALUE} otherwise. Engine thread only.
   */
  private long packetNanos = Long.MIN_VALUE;

  /** The time of the last event handled: event times never go backwards. Engine thread only. */
  private long lastEventNanos = Long.MIN_VALUE;

  private final Map<String, Announcements> announcements = new LinkedHashMap<>();
  private final Map<String, Long> sinceNanos = new LinkedHashMap<>();

  private volatile boolean started;
  private volatile boolean stopped;

  /**
   * A copy of the routers' names for any thread, replaced whenever a router is added or removed.
   */
  private volatile List<String> routerNames = List.of();

  /**
   * An engine on the real clock with its own engine and address threads ({@link
   * RealTimeScheduler}).
   */
  public Engine(AddressTable addressTable, NeighborAnnouncer announcer, EngineListener listener) {
    this(addressTable, announcer, listener, new RealTimeScheduler());
  }

  /** An engine on {@code scheduler}'s clock and threads (the simulation gives a virtual one). */
  public Engine(
      AddressTable addressTable,
      NeighborAnnouncer announcer,
      EngineListener listener,
      EngineScheduler scheduler) {
    this.addressTable = Objects.requireNonNull(addressTable, "addressTable");
    this.announcer = Objects.requireNonNull(announcer, "announcer");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** The engine's clock: {@link RouterStatus#sinceNanos()} is on it. */
  public long nanoTime() {
    return scheduler.nanoTime();
  }

  // ------------------------------------------------------------------ configuration

  /**
   * Adds a stand-alone router. Before {@link #start()} it waits for the start; after it (a
   * configuration reload) it starts at once, after removing addresses it may have left.
   */
  public void add(RouterBinding binding) {
    addUnit(
        List.of(binding),
        () ->
            new Single(
                binding.name(),
                binding.carp().isPresent()
                    ? new CarpRouter(binding.carp().get(), binding.config().basePriority())
                    : new VirtualRouter(binding.config())));
  }

  /**
   * Adds routers that change state together (a sync group); before or after {@link #start()}, as
   * {@link #add}.
   */
  public void addSyncGroup(String name, List<RouterBinding> members) {
    for (RouterBinding b : members) {
      if (b.isCarp()) {
        throw new IllegalArgumentException(
            "sync group '" + name + "': CARP router '" + b.name() + "' (expected: VRRP members)");
      }
    }
    addUnit(
        members,
        () -> new Group(new SyncGroup(name, members.stream().map(RouterBinding::config).toList())));
  }

  private synchronized void addUnit(List<RouterBinding> members, Supplier<Unit> unitFactory) {
    call(
        () -> {
          for (RouterBinding b : members) {
            checkBinding(b);
          }
          members.forEach(this::addBinding);
          Unit unit = unitFactory.get();
          members.forEach(b -> units.put(b.name(), unit));
          if (started) {
            // A reload: behind whatever the address lane still has to do (a changed router's old
            // addresses), ahead of the new router's own changes.
            members.forEach(this::removeLeftovers);
            execute(unit.startup(scheduler.nanoTime()));
          }
          return null;
        });
  }

  /**
   * Stops and removes a running router (a configuration reload): a master sends priority 0 and
   * removes its addresses, as at shutdown. A sync group is removed whole: name any member.
   *
   * @return the names of the routers removed
   */
  public List<String> remove(String router) {
    requireRouter(router);
    return call(
        () -> {
          Unit unit = units.get(router);
          if (unit == null) {
            throw new IllegalArgumentException("no router named '" + router + "'");
          }
          List<String> names = new ArrayList<>();
          units.forEach(
              (name, u) -> {
                if (u == unit) {
                  names.add(name);
                }
              });
          if (unit.anyStarted()) {
            execute(unit.shutdown(scheduler.nanoTime()));
          }
          for (String name : names) {
            cancelAnnouncements(name);
            timers.remove(name).cancelAll();
            units.remove(name);
            RouterBinding b = bindings.remove(name);
            LinkRouters sharing = byTransport.get(b.transportKey());
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

  private void checkBinding(RouterBinding binding) {
    if (bindings.containsKey(binding.name())) {
      throw new IllegalArgumentException("router '" + binding.name() + "' added twice");
    }
    LinkRouters link = byTransport.get(binding.transportKey());
    RouterBinding other = link == null ? null : link.get(binding.isCarp(), binding.config().vrid());
    if (other != null) {
      throw new IllegalArgumentException(
          "routers '"
              + other.name()
              + "' and '"
              + binding.name()
              + "' share "
              + (binding.isCarp() ? "vhid " : "VRID ")
              + binding.config().vrid()
              + " on one link (expected: one router per "
              + (binding.isCarp() ? "vhid" : "VRID")
              + ")");
    }
  }

  private void addBinding(RouterBinding binding) {
    checkBinding(binding);
    bindings.put(binding.name(), binding);
    byTransport.computeIfAbsent(binding.transportKey(), k -> new LinkRouters()).add(binding);
    routerNames = List.copyOf(bindings.keySet());
    timers.put(binding.name(), new RouterTimers(binding));
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Removes virtual addresses a crashed previous run left on the interfaces, then starts every
   * router (INIT → BACKUP, or MASTER for an address owner). Returns when the routers started; a
   * {@link TakeoverRehearsal} then warms the takeover path on a thread of its own.
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("started twice");
    }
    // Nothing runs yet: the leftovers go here, on the caller's thread, before any router starts
    // (a router's first state change then means the interface is clean).
    for (RouterBinding b : call(() -> List.copyOf(bindings.values()))) {
      removeLeftoversNow(b);
    }
    started = true;
    List<RouterBinding> rehearsed =
        call(
            () -> {
              long now = scheduler.nanoTime();
              List<Unit> done = new ArrayList<>();
              for (Unit unit : units.values()) {
                if (!done.contains(unit)) {
                  done.add(unit);
                  execute(unit.startup(now));
                }
              }
              return TakeoverRehearsal.shapes(bindings.values());
            });
    if (!rehearsed.isEmpty()) {
      scheduler.warmUp(() -> TakeoverRehearsal.run(rehearsed, TakeoverRehearsal.ROUNDS));
    }
  }

  /**
   * Stops every router: a master sends priority 0 and removes its addresses (RFC 9568 §6.4.3).
   * Waits at most {@code timeout} for the adverts to leave and the addresses to go.
   *
   * @return true when everything finished in time
   */
  public synchronized boolean shutdown(Duration timeout) {
    if (stopped) {
      return true;
    }
    stopped = true;
    long deadline = scheduler.nanoTime() + timeout.toNanos();
    boolean clean = true;
    if (started) {
      try {
        scheduler.call(
            () -> {
              long now = scheduler.nanoTime();
              List<Unit> done = new ArrayList<>();
              for (Unit unit : units.values()) {
                if (!done.contains(unit) && unit.anyStarted()) {
                  done.add(unit);
                  execute(unit.shutdown(now));
                }
              }
              for (String router : List.copyOf(announcements.keySet())) {
                cancelAnnouncements(router);
              }
              return null;
            },
            deadline);
      } catch (TimeoutException e) {
        log.error("shutdown: the engine did not stop in time; virtual addresses may remain");
        clean = false;
      }
    }
    if (!scheduler.stop(deadline)) {
      log.error("shutdown: address removal did not finish in time");
      clean = false;
    }
    return clean;
  }

  /**
   * Removes virtual addresses of {@code b} a crashed earlier run left on the interface (a router
   * added by a reload): on the address lane, in order with every other address change (a changed
   * router's old addresses are still being removed there).
   */
  private void removeLeftovers(RouterBinding b) {
    scheduler.executeBlocking(
        () -> {
          try {
            removeLeftoversNow(b);
          } catch (RuntimeException e) {
            String what =
                "cannot remove addresses left on "
                    + b.interfaceName()
                    + " by an earlier run: "
                    + e.getMessage();
            log.error("{}: {}", b.name(), what);
            reportFromAddressLane(b.name(), what);
          }
        });
  }

  private void removeLeftoversNow(RouterBinding b) {
    List<InterfaceAddress> removed =
        addressTable.removeLeftovers(b.interfaceName(), b.virtualAddresses());
    if (!removed.isEmpty()) {
      log.warn(
          "{}: removed virtual addresses left on {} by an earlier run: {}",
          b.name(),
          b.interfaceName(),
          removed);
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }

  // ------------------------------------------------------------------ inputs (any thread)

  /**
   * A transport's I/O thread hands over a packet: it is only queued here (at most {@link
   * #MAX_PENDING_PACKETS}); decoding, demultiplexing and every report about it (drops included)
   * happen on the engine thread, in {@link #handlePacket}, at the packet's {@link
   * InboundPacket#receivedNanos arrival time}.
   */
  public void receive(Object transportKey, InboundPacket packet) {
    receive(transportKey, packet, false);
  }

  /**
   * The consumer for one transport's I/O thread (one per transport; only that thread may call it).
   * Like {@link #receive}, except that a packet which repeats the previous packet for the same
   * router on this transport byte for byte (same message, source, destination, TTL) does not wake
   * the engine thread: it is queued with {@link EngineScheduler#executeDeferred} and handled at the
   * thread's next wake-up (before that wake-up's due timers), at the time it was received. A backup
   * hearing its master's unchanged adverts then costs the engine thread one wake-up per timer
   * deadline instead of one per packet; anything new (another priority, a priority-0 advert, a new
   * sender) still wakes it at once.
   */
  public Consumer<InboundPacket> receiver(Object transportKey) {
    Objects.requireNonNull(transportKey, "transportKey");
    return new Receiver(transportKey);
  }

  /** The previous packet per router, for {@link #receiver}: its own transport thread only. */
  private final class Receiver implements Consumer<InboundPacket> {
    private final Object transportKey;

    /** By VRID (0..255), CARP's VHIDs in 256..511. */
    private final InboundPacket[] previous = new InboundPacket[512];

    Receiver(Object transportKey) {
      this.transportKey = transportKey;
    }

    @Override
    public void accept(InboundPacket packet) {
      byte[] m = packet.vrrpMessage();
      if (m.length < 2) {
        receive(transportKey, packet, false);
        return;
      }
      // Byte 1 is the VRID in VRRP v2 and v3, and the VHID in CARP.
      int slot = (m[1] & 0xff) | (CarpCodec.isCarp(m) ? 256 : 0);
      InboundPacket before = previous[slot];
      previous[slot] = packet;
      receive(transportKey, packet, before != null && sameAdvert(before, packet));
    }
  }

  /** Whether the engine would see {@code b} exactly as it saw {@code a}: all but the time. */
  static boolean sameAdvert(InboundPacket a, InboundPacket b) {
    return a.ttlOrHopLimit() == b.ttlOrHopLimit()
        && a.sourceOnLink() == b.sourceOnLink()
        && java.util.Arrays.equals(a.vrrpMessage(), b.vrrpMessage())
        && a.source().equals(b.source())
        && a.destination().equals(b.destination());
  }

  private void receive(Object transportKey, InboundPacket packet, boolean repeated) {
    int pending = pendingPackets.incrementAndGet();
    if (pending > MAX_PENDING_PACKETS) {
      pendingPackets.decrementAndGet();
      // Counted here, reported by the engine thread (one report task at a time).
      if (unreportedQueueFull.getAndIncrement() == 0) {
        submit(this::reportQueueFull);
      }
      return;
    }
    Runnable task =
        () -> {
          pendingPackets.decrementAndGet();
          packetNanos = packet.receivedNanos();
          try {
            handlePacket(transportKey, packet);
          } catch (RuntimeException e) {
            // A bug, not a bad packet: say so loudly, keep the engine running.
            log.error(
                "engine error on a packet from {}: {}",
                AddressText.of(packet.source()),
                e.toString(),
                e);
          } finally {
            packetNanos = Long.MIN_VALUE;
          }
        };
    boolean queued;
    if (repeated && pending <= MAX_DEFERRED_PACKETS) {
      try {
        scheduler.executeDeferred(task);
        queued = true;
      } catch (RejectedExecutionException stopped) {
        queued = false;
      }
    } else {
      queued = submit(task);
    }
    if (!queued) {
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
    submit(
        () -> {
          if (units.containsKey(router)) { // not removed by a reload meanwhile
            dispatch(router, event);
          }
        });
  }

  /** Queues a task for the engine thread; false once the engine stopped. */
  private boolean submit(Runnable task) {
    try {
      scheduler.execute(task);
      return true;
    } catch (RejectedExecutionException stopped) {
      return false;
    }
  }

  /** A consistent snapshot of every router, taken on the engine thread. */
  public List<RouterStatus> status() {
    return call(
        () -> {
          List<RouterStatus> out = new ArrayList<>();
          for (RouterBinding b : bindings.values()) {
            Router r = units.get(b.name()).router(b.name());
            out.add(
                new RouterStatus(
                    b.name(),
                    r.state(),
                    b.config().basePriority(),
                    r.effectivePriority(),
                    r.masterAddress(),
                    r.masterPriority(),
                    r.masterAdvertIntervalCentis(),
                    r.faultReason(),
                    sinceNanos.getOrDefault(b.name(), 0L),
                    r.resigned(),
                    r.conflicts(),
                    b.protocol()));
          }
          return out;
        });
  }

  // ------------------------------------------------------------------ engine thread

  private void handlePacket(Object transportKey, InboundPacket packet) {
    if (!started || stopped) {
      safely(
          null,
          () ->
              listener.dropped(
                  null,
                  DropReason.NOT_RUNNING,
                  "from "
                      + AddressText.of(packet.source())
                      + (started ? " after shutdown" : " before start")));
      return;
    }
    LinkRouters candidates = byTransport.get(transportKey);
    if (candidates == null) {
      // Its routers were removed by a reload; the transport is closing.
      safely(
          null,
          () ->
              listener.dropped(
                  null,
                  DropReason.NOT_RUNNING,
                  "from "
                      + AddressText.of(packet.source())
                      + ": no router on "
                      + transportKey
                      + " any more"));
      return;
    }
    // Protocol 112 carries VRRP and CARP: tell them apart by shape (CarpCodec.isCarp), then only
    // the matching codec reads the packet and only routers of that protocol see it.
    boolean carp = CarpCodec.isCarp(packet.vrrpMessage());
    InboundPacket verified = carp ? packet : authenticated(candidates, packet);
    if (verified != null) {
      decodeAndDispatch(candidates, carp, verified);
    }
  }

  /**
   * The packet as the codec reads it: unchanged for a router without hmac-sha256; for one with it,
   * the VRRP message without its trailer once the trailer verifies and its sequence is new (before
   * anything else reads the packet: a replay must not even reach the repeated-advert shortcut).
   * Null when dropped (and reported).
   */
  private InboundPacket authenticated(LinkRouters candidates, InboundPacket packet) {
    byte[] m = packet.vrrpMessage();
    // Byte 1 is the VRID: it only chooses whose secret to check the packet with.
    RouterBinding b = m.length < 2 ? null : candidates.get(false, m[1] & 0xff);
    if (b == null || b.hmac().isEmpty()) {
      return packet;
    }
    int length;
    try {
      length = timers.get(b.name()).authenticator.verify(packet);
    } catch (MalformedAdvertisementException e) {
      // The router reports the drop, and raises the conflict alarm when the reason means the
      // peer is configured differently.
      dispatch(
          b.name(),
          new Event.AdvertRejected(
              packet.source(),
              e.reason(),
              "from " + AddressText.of(packet.source()) + ": " + e.getMessage()));
      return null;
    }
    return new InboundPacket(
        java.util.Arrays.copyOf(m, length),
        packet.source(),
        packet.destination(),
        packet.ttlOrHopLimit(),
        packet.receivedNanos(),
        packet.sourceOnLink());
  }

  private void decodeAndDispatch(LinkRouters candidates, boolean carp, InboundPacket packet) {
    Event repeated = repeatedAdvert(candidates, carp, packet);
    if (repeated != null) {
      // Byte for byte the advert last decoded for this router, with the same IP header fields:
      // the decode (a pure function of both) would give the same result again.
      RouterBinding b = candidates.get(carp, packet.vrrpMessage()[1] & 0xff);
      if (dispatch(b.name(), repeated)) {
        advertReceived(b);
      }
      return;
    }
    IpContext ip =
        new IpContext(
            packet.source(), packet.destination(), packet.ttlOrHopLimit(), packet.sourceOnLink());
    Event event;
    int id;
    try {
      if (carp) {
        CarpAdvertisement advert = CarpCodec.decode(packet.vrrpMessage(), ip);
        event = new Event.CarpAdvertReceived(advert, packet.source());
        id = advert.vhid();
      } else {
        // The TTL rule: 255, or the source's own window when it is a unicast peer across
        // routers. Routers sharing a transport share its peers; should their windows differ,
        // the packet is decoded with the widest and the router it is for checks its own below.
        TtlWindow ttl = candidates.decodeWindow(packet.source());
        ReceivedAdvertisement advert = AdvertisementCodec.decode(packet.vrrpMessage(), ip, ttl);
        event = new Event.AdvertReceived(advert);
        id = advert.advertisement().vrid();
      }
    } catch (MalformedAdvertisementException e) {
      safely(
          null,
          () ->
              listener.dropped(
                  null,
                  e.reason(),
                  "from "
                      + AddressText.of(packet.source())
                      + ": "
                      + e.getMessage()
                      + (carp ? " (CARP)" : "")));
      return;
    }
    RouterBinding b = candidates.get(carp, id);
    if (b != null) {
      TtlWindow own = carp ? TtlWindow.RFC : b.ttlWindow(packet.source());
      if (!own.contains(packet.ttlOrHopLimit())) {
        safely(
            b.name(),
            () ->
                listener.dropped(
                    b.name(),
                    own.isRfc() ? DropReason.TTL : DropReason.PEER_TTL,
                    "from "
                        + AddressText.of(packet.source())
                        + ": TTL "
                        + packet.ttlOrHopLimit()
                        + " (expected: "
                        + own
                        + (own.isRfc() ? ")" : ", the peer's min-ttl..max-ttl)")));
        return;
      }
      // Counted as received only when the router accepted it: its drops have their reasons.
      timers.get(b.name()).rememberReceived(packet, event);
      if (dispatch(b.name(), event)) {
        advertReceived(b);
      }
      return;
    }
    safely(
        null,
        () ->
            listener.dropped(
                null,
                DropReason.VRID,
                (carp ? "CARP vhid " : "VRID ")
                    + id
                    + " from "
                    + AddressText.of(packet.source())
                    + " (not configured on this link)"));
  }

  private void advertReceived(RouterBinding b) {
    try {
      listener.advertReceived(b.name());
    } catch (RuntimeException e) {
      log.error("{}: a listener threw (ignored): {}", b.name(), e.toString(), e);
    }
  }

  /**
   * The routers on one transport, indexed by VRID (CARP: by vhid): a packet finds its router
   * without a search, and the TTL window it is decoded with is RFC's unless a router here has
   * unicast peers with their own windows. Engine thread only.
   */
  private static final class LinkRouters {
    private final List<RouterBinding> all = new ArrayList<>();

    /** VRRP routers by VRID in 0..255, CARP routers by vhid in 256..511. */
    private final RouterBinding[] byId = new RouterBinding[512];

    /**
     * VRRP routers with peer TTL windows: only then does the decode window depend on the source.
     */
    private int withPeerTtl;

    private static int slot(boolean carp, int id) {
      return (carp ? 256 : 0) + id;
    }

    void add(RouterBinding b) {
      all.add(b);
      byId[slot(b.isCarp(), b.config().vrid())] = b;
      if (!b.isCarp() && !b.peerTtl().isEmpty()) {
        withPeerTtl++;
      }
    }

    void remove(RouterBinding b) {
      if (all.remove(b)) {
        byId[slot(b.isCarp(), b.config().vrid())] = null;
        if (!b.isCarp() && !b.peerTtl().isEmpty()) {
          withPeerTtl--;
        }
      }
    }

    boolean isEmpty() {
      return all.isEmpty();
    }

    /** The router of that protocol with that VRID (vhid for CARP) on the link, or null. */
    RouterBinding get(boolean carp, int id) {
      return id < 0 || id > 255 ? null : byId[slot(carp, id)];
    }

    /**
     * The TTL rule a VRRP packet from {@code source} is decoded with: 255, or the source's own
     * window when it is a unicast peer across routers. Routers sharing a transport share its peers;
     * should their windows differ, the packet is decoded with the widest and the router it is for
     * checks its own.
     */
    TtlWindow decodeWindow(InetAddress source) {
      if (withPeerTtl == 0) {
        return TtlWindow.RFC;
      }
      TtlWindow ttl = null;
      for (int i = 0; i < all.size(); i++) {
        RouterBinding b = all.get(i);
        if (!b.isCarp()) {
          TtlWindow w = b.ttlWindow(source);
          ttl = ttl == null ? w : ttl.union(w);
        }
      }
      return ttl;
    }
  }

  /**
   * The event decoded last for this packet's router when the packet repeats it exactly; or null.
   */
  private Event repeatedAdvert(LinkRouters candidates, boolean carp, InboundPacket p) {
    byte[] m = p.vrrpMessage();
    if (m.length < 2) {
      return null;
    }
    // Byte 1 is the VRID in VRRP v2 and v3, and the VHID in CARP.
    RouterBinding b = candidates.get(carp, m[1] & 0xff);
    return b == null ? null : timers.get(b.name()).repeated(p);
  }

  private void reportQueueFull() {
    long refused = unreportedQueueFull.getAndSet(0);
    for (long i = 0; i < refused; i++) {
      safely(
          null,
          () ->
              listener.dropped(
                  null,
                  DropReason.QUEUE_FULL,
                  "engine queue holds " + MAX_PENDING_PACKETS + " packets"));
    }
  }

  /**
   * The time of the event being dispatched: now, or for a packet the time it was received (never
   * before the previous event's time, never after now).
   */
  private long eventNanos() {
    long now = scheduler.nanoTime();
    if (packetNanos != Long.MIN_VALUE && packetNanos < now) {
      now = Math.max(packetNanos, lastEventNanos);
    }
    lastEventNanos = now;
    return now;
  }

  /**
   * A backup's down timer fired: its event is handled as any other, and when it made the router
   * MASTER the log says how long after the timer's deadline the takeover advert left (the deadline
   * counts from the arrival of the master's last advert, or of its priority-0 advert): the lateness
   * {@code docs/engine.md} is about, for operators and for {@code bin/lab-bench failover}.
   */
  private void downTimerFired(RouterTimers rt) {
    rt.takeoverPending = true;
    try {
      dispatch(rt.router, FIRED[TimerName.MASTER_DOWN.ordinal()]);
    } finally {
      rt.takeoverPending = false;
    }
    if (rt.takeoverSentNanos != Long.MIN_VALUE) {
      long micros = (rt.takeoverSentNanos - rt.downDeadlineNanos + 500) / 1000;
      rt.takeoverSentNanos = Long.MIN_VALUE;
      log.info("{}: takeover advert sent {} µs after the down timer's deadline", rt.router, micros);
    }
  }

  /** Handles an event and executes its actions; false when the router dropped it (or failed). */
  private boolean dispatch(String router, Event event) {
    try {
      Unit unit = units.get(router);
      if (unit instanceof Single single && !scratchInUse) {
        // The steady-state path (a master's timer, a backup hearing its master): one reused
        // action list, timers armed in place, nothing allocated.
        scratchInUse = true;
        try {
          scratch.clear();
          scratch.timers = timers.get(router);
          single.router().handle(event, eventNanos(), scratch);
          execute(router, scratch);
          if (single.router() instanceof VirtualRouter vr && vr.state() == VrrpState.BACKUP) {
            // Encoded ahead (cached: nothing to do while the priority stays), so that the
            // takeover advert goes out without being built and encoded after the down timer.
            scratch.timers.prepare(vr.takeoverAdvert());
          }
          return !containsDrop(scratch);
        } finally {
          scratch.clear();
          scratch.timers = null;
          scratchInUse = false;
        }
      }
      SequencedMap<String, List<Action>> actions = unit.handle(router, event, eventNanos());
      execute(actions);
      return !containsDrop(actions.getOrDefault(router, List.of()));
    } catch (RuntimeException e) {
      log.error("{}: engine error handling {}: {}", router, event, e.toString(), e);
      safely(router, () -> listener.failure(router, "engine error handling " + event + ": " + e));
      return false;
    }
  }

  private static boolean containsDrop(List<Action> actions) {
    for (int i = 0; i < actions.size(); i++) {
      if (actions.get(i) instanceof Action.Dropped) {
        return true;
      }
    }
    return false;
  }

  private void execute(SequencedMap<String, List<Action>> actionsByRouter) {
    actionsByRouter.forEach(this::execute);
  }

  private void execute(String router, List<Action> actions) {
    RouterBinding b = bindings.get(router);
    for (int i = 0; i < actions.size(); i++) { // indexed: no iterator per event
      Action action = actions.get(i);
      switch (action) {
        case Action.SendAdvertisement s -> send(b, s);
        case Action.SendCarpAdvertisement s -> sendCarp(b, s);
        case Action.AddAddresses a -> changeAddresses(b, a.addresses(), true);
        case Action.RemoveAddresses r -> {
          cancelAnnouncements(router);
          changeAddresses(b, r.addresses(), false);
        }
        case Action.AnnounceAddresses a -> startAnnouncements(b, a.addresses());
        case Action.ArmTimer t -> arm(router, t.timer(), t.deadlineNanos());
        case Action.CancelTimer c -> cancel(router, c.timer());
        case Action.StateChanged c -> {
          sinceNanos.put(router, scheduler.nanoTime());
          log.info(
              "{}: {} -> {} ({}, prio {})", router, c.from(), c.to(), c.reason(), c.priority());
          safely(router, () -> listener.stateChanged(router, c));
        }
        case Action.Dropped d ->
            safely(router, () -> listener.dropped(router, d.reason(), d.detail()));
        case Action.ConflictRaised c -> {
          // Once per episode, not per packet: the drops themselves are counted by reason.
          log.warn(
              "{}: CONFLICT with {}: {} differs ({}); it claims {} {} on {} and we drop its adverts, so both"
                  + " of us may hold the addresses; fix the configuration on one side",
              router,
              AddressText.of(c.conflict().peer()),
              c.conflict().differs(),
              c.conflict().detail(),
              b.isCarp() ? "vhid" : "VRID",
              b.config().vrid(),
              b.interfaceName());
          safely(router, () -> listener.conflictRaised(router, c.conflict()));
        }
        case Action.ConflictCleared c -> {
          log.info(
              "{}: conflict with {} over: no advert from it we had to drop for {} s ({} dropped)",
              router,
              AddressText.of(c.conflict().peer()),
              conflictQuietNanos(b) / 1_000_000_000L,
              c.conflict().adverts());
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
    RouterTimers rt = timers.get(b.name());
    List<InetAddress> destinations = rt.destinations;
    for (int i = 0; i < destinations.size(); i++) {
      InetAddress destination = destinations.get(i);
      try {
        b.transport().send(rt.message(s, i), destination);
        if (rt.takeoverPending) {
          rt.takeoverPending = false;
          rt.takeoverSentNanos = scheduler.nanoTime();
        }
      } catch (RuntimeException e) {
        safely(b.name(), () -> listener.failure(b.name(), e.getMessage()));
        log.warn(
            "{}: advertisement to {} not sent: {}",
            b.name(),
            AddressText.of(destination),
            e.getMessage());
        continue;
      }
      try {
        listener.advertSent(b.name(), s.advert().priority());
      } catch (RuntimeException e) {
        log.error("{}: a listener threw (ignored): {}", b.name(), e.toString(), e);
      }
    }
  }

  /**
   * A CARP advert goes to the group only (224.0.0.18; ucarp and carp(4) know no unicast peers). The
   * transport sends it from the virtual MAC when one is registered for the vhid.
   */
  private void sendCarp(RouterBinding b, Action.SendCarpAdvertisement s) {
    try {
      b.transport().send(CarpCodec.encode(s.advert()), b.group());
    } catch (RuntimeException e) {
      safely(b.name(), () -> listener.failure(b.name(), e.getMessage()));
      log.warn("{}: CARP advertisement not sent: {}", b.name(), e.getMessage());
      return;
    }
    safely(b.name(), () -> listener.advertSent(b.name(), s.priority()));
  }

  private static long conflictQuietNanos(RouterBinding b) {
    return b.carp()
        .map(c -> 3 * CarpElection.masterDownIntervalNanos(c.advbaseSeconds(), c.advskew()))
        .orElseGet(() -> VirtualRouter.conflictQuietNanos(b.config()));
  }

  private void changeAddresses(RouterBinding b, List<InetAddress> addresses, boolean add) {
    if (!b.installsAddresses()) {
      return; // adverts only: its addresses are published elsewhere (DNS actions)
    }
    List<InterfaceAddress> withPrefix = addresses.stream().map(b::withPrefix).toList();
    scheduler.executeBlocking(
        () -> {
          for (InterfaceAddress a : withPrefix) {
            try {
              if (add) {
                addressTable.add(b.interfaceName(), a);
              } else {
                addressTable.remove(b.interfaceName(), a);
              }
            } catch (RuntimeException e) {
              String what =
                  (add ? "cannot add " : "cannot remove ")
                      + a
                      + " on "
                      + b.interfaceName()
                      + ": "
                      + e.getMessage();
              log.error("{}: {}", b.name(), what);
              reportFromAddressLane(b.name(), what);
            }
          }
        });
  }

  /** A failure on the address lane reaches the listener on the engine thread. */
  private void reportFromAddressLane(String router, String what) {
    submit(() -> safely(router, () -> listener.failure(router, what)));
  }

  private void startAnnouncements(RouterBinding b, List<InetAddress> addresses) {
    cancelAnnouncements(b.name());
    if (!b.installsAddresses()) {
      return;
    }
    Announcements a = new Announcements(b, addresses);
    announcements.put(b.name(), a);
    a.start(scheduler.nanoTime());
  }

  private void cancelAnnouncements(String router) {
    Announcements a = announcements.remove(router);
    if (a != null) {
      a.cancel();
    }
  }

  /**
   * One master term's gratuitous ARPs / unsolicited NAs ({@link AnnounceSchedule}): {@code repeat}
   * at once, {@code repeat} more after {@code delay}, one every {@code refresh}; all cancelled when
   * the router releases its addresses. The timing is on the engine thread, the sending on the
   * address lane.
   */
  private final class Announcements {
    private final RouterBinding binding;
    private final List<InetAddress> addresses;
    private EngineScheduler.Cancellable second;
    private EngineScheduler.Cancellable refresh;
    private boolean cancelled;

    Announcements(RouterBinding binding, List<InetAddress> addresses) {
      this.binding = binding;
      this.addresses = addresses;
    }

    void start(long now) {
      AnnounceSchedule s = binding.announce();
      round(s.repeat());
      if (!s.delay().isZero()) {
        second =
            scheduler.schedule(
                now + s.delay().toNanos(),
                () -> {
                  if (!cancelled) {
                    round(s.repeat());
                  }
                });
      }
      if (!s.refresh().isZero()) {
        refreshAt(now + s.refresh().toNanos(), s.refresh().toNanos());
      }
    }

    private void refreshAt(long atNanos, long periodNanos) {
      refresh =
          scheduler.schedule(
              atNanos,
              () -> {
                if (!cancelled) {
                  round(1);
                  refreshAt(atNanos + periodNanos, periodNanos); // fixed rate: no drift
                }
              });
    }

    private void round(int times) {
      String router = binding.name();
      scheduler.executeBlocking(
          () -> {
            for (int i = 0; i < times; i++) {
              try {
                announcer.announce(binding.interfaceName(), addresses);
              } catch (RuntimeException e) {
                String what =
                    "announcing "
                        + addresses
                        + " on "
                        + binding.interfaceName()
                        + " failed: "
                        + e.getMessage();
                log.warn("{}: {}", router, what);
                reportFromAddressLane(router, what);
                return;
              }
            }
          });
    }

    void cancel() {
      cancelled = true;
      if (second != null) {
        second.cancel();
      }
      if (refresh != null) {
        refresh.cancel();
      }
    }
  }

  private void arm(String router, TimerName timer, long deadlineNanos) {
    timers.get(router).arm(timer, deadlineNanos);
  }

  private void cancel(String router, TimerName timer) {
    timers.get(router).cancel(timer);
  }

  /**
   * One router's timers, one re-armable {@link EngineScheduler.Timer} per {@link TimerName} (made
   * on first use), and its encoded adverts: while the state machine hands over the same advert (its
   * priority unchanged) and the transport's source address is the same, the bytes sent last time
   * are sent again, neither encoded nor allocated anew.
   */
  private final class RouterTimers {
    /** The router's binding (added and removed with it). */
    private final RouterBinding binding;

    private final String router;

    /** The down timer's deadline when it was last armed. */
    private long downDeadlineNanos;

    /** While the down timer's event is handled: true until the takeover advert has left. */
    private boolean takeoverPending;

    /** When the takeover advert left (the clock after its send), or {@code Long.MIN_VALUE}. */
    private long takeoverSentNanos = Long.MIN_VALUE;

    private final EngineScheduler.Timer[] byName =
        new EngineScheduler.Timer[TimerName.values().length];
    final List<InetAddress> destinations;
    private Advertisement encodedAdvert;
    private InetAddress encodedSource;
    private final byte[][] messages;

    /** With hmac-sha256: signs and verifies; null without. */
    final AdvertAuthenticator authenticator;

    private byte[] encodedSourceBytes;
    private final byte[][] destinationBytes;

    /** The last advert received for this router that decoded, and the packet it came in. */
    private byte[] receivedMessage;

    private InetAddress receivedSource;
    private InetAddress receivedDestination;
    private int receivedTtl;
    private boolean receivedOnLink;
    private Event receivedEvent;

    RouterTimers(RouterBinding binding) {
      this.binding = binding;
      this.router = binding.name();
      this.destinations =
          binding.unicastPeers().isEmpty() ? List.of(binding.group()) : binding.unicastPeers();
      this.messages = new byte[destinations.size()][];
      this.authenticator =
          binding.hmac().map(h -> new AdvertAuthenticator(h, binding.unicastPeers())).orElse(null);
      this.destinationBytes = new byte[destinations.size()][];
      for (int i = 0; i < destinations.size(); i++) {
        destinationBytes[i] = destinations.get(i).getAddress();
      }
      // Made here, not at first use: a backup arms its first advertisement timer at its takeover,
      // between the down timer and the takeover advert. The down timer is precise: the takeover
      // advert follows it.
      for (TimerName t : TimerName.values()) {
        Event fired = FIRED[t.ordinal()];
        byName[t.ordinal()] =
            t == TimerName.MASTER_DOWN
                ? scheduler.timer(() -> downTimerFired(this), true)
                : scheduler.timer(() -> dispatch(router, fired), false);
      }
    }

    void rememberReceived(InboundPacket p, Event event) {
      receivedMessage = p.vrrpMessage().clone();
      receivedSource = p.source();
      receivedDestination = p.destination();
      receivedTtl = p.ttlOrHopLimit();
      receivedOnLink = p.sourceOnLink();
      receivedEvent = event;
    }

    Event repeated(InboundPacket p) {
      return receivedEvent != null
              && p.ttlOrHopLimit() == receivedTtl
              && p.sourceOnLink() == receivedOnLink
              && java.util.Arrays.equals(p.vrrpMessage(), receivedMessage)
              && p.source().equals(receivedSource)
              && p.destination().equals(receivedDestination)
          ? receivedEvent
          : null;
    }

    void arm(TimerName timer, long deadlineNanos) {
      if (timer == TimerName.MASTER_DOWN) {
        downDeadlineNanos = deadlineNanos;
      }
      byName[timer.ordinal()].arm(deadlineNanos);
    }

    void cancel(TimerName timer) {
      byName[timer.ordinal()].cancel();
    }

    void cancelAll() {
      for (EngineScheduler.Timer t : byName) {
        t.cancel();
      }
    }

    /** Encodes {@code s} for every destination ahead of its sending (nothing signed yet). */
    void prepare(Action.SendAdvertisement s) {
      for (int i = 0; i < destinations.size(); i++) {
        encoded(s, i);
      }
    }

    /** The message for {@code destination}, encoded once per advert and signed for every send. */
    byte[] message(Action.SendAdvertisement s, int destination) {
      byte[] m = encoded(s, destination);
      if (authenticator != null) {
        // The VRRP message stays; the trailer (sequence and HMAC) is new for every send.
        authenticator.sign(m, encodedSourceBytes, destinationBytes[destination]);
      }
      return m;
    }

    private byte[] encoded(Action.SendAdvertisement s, int destination) {
      InetAddress source = binding.transport().sourceAddress();
      if (s.advert() != encodedAdvert || !source.equals(encodedSource)) {
        java.util.Arrays.fill(messages, null);
        encodedAdvert = s.advert();
        encodedSource = source;
        encodedSourceBytes = source.getAddress();
      }
      byte[] m = messages[destination];
      if (m == null) {
        m =
            AdvertisementCodec.encode(
                s.advert(), source, destinations.get(destination), binding.checksumMode());
        if (authenticator != null) {
          m = java.util.Arrays.copyOf(m, AdvertAuthenticator.signedLength(m.length));
        }
        messages[destination] = m;
      }
      return m;
    }
  }

  /**
   * The reused action list of {@link #dispatch}: timer changes go straight to the router's timers.
   */
  private static final class ScratchActions extends ArrayList<Action> implements Action.TimerSink {
    RouterTimers timers;

    @Override
    public void armTimer(TimerName timer, long deadlineNanos) {
      timers.arm(timer, deadlineNanos);
    }

    @Override
    public void cancelTimer(TimerName timer) {
      timers.cancel(timer);
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

  /**
   * Runs {@code work} on the engine thread and returns its result, waiting at most 10 s: for
   * settings of the thread itself, such as its scheduling priority. {@code work} must not block.
   */
  public <T> T onEngineThread(Supplier<T> work) {
    return call(work);
  }

  private <T> T call(Supplier<T> work) {
    try {
      return scheduler.call(work, scheduler.nanoTime() + CALL_TIMEOUT_NANOS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the engine thread did not answer within 10 s");
    }
  }

  // ------------------------------------------------------------------ units

  /** A stand-alone router or a sync group: what events are dispatched to. */
  private sealed interface Unit permits Single, Group {
    SequencedMap<String, List<Action>> handle(String router, Event event, long now);

    SequencedMap<String, List<Action>> startup(long now);

    SequencedMap<String, List<Action>> shutdown(long now);

    Router router(String name);

    boolean anyStarted();
  }

  private record Single(String name, Router router) implements Unit {
    @Override
    public SequencedMap<String, List<Action>> handle(String name, Event event, long now) {
      SequencedMap<String, List<Action>> out = new LinkedHashMap<>();
      out.put(name, router.handle(event, now));
      return out;
    }

    @Override
    public SequencedMap<String, List<Action>> startup(long now) {
      return handle(name, new Event.Startup(), now);
    }

    @Override
    public SequencedMap<String, List<Action>> shutdown(long now) {
      return handle(name, new Event.Shutdown(), now);
    }

    @Override
    public Router router(String name) {
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
