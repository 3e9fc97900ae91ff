package org.vrrpagent.agent.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.addresses.AddressGuard;
import org.vrrpagent.agent.addresses.AddressReconciler;
import org.vrrpagent.agent.addresses.AddressReports;
import org.vrrpagent.agent.addresses.StateFile;
import org.vrrpagent.agent.config.CheckConfig;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.config.FileRules;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.PriorityOrderConfig;
import org.vrrpagent.agent.config.ProbeConfig;
import org.vrrpagent.agent.config.SyncGroupConfig;
import org.vrrpagent.agent.config.VirtualAddress;
import org.vrrpagent.agent.control.ActionResult;
import org.vrrpagent.agent.control.ControlBackend;
import org.vrrpagent.agent.control.ControlServer;
import org.vrrpagent.agent.control.Demotion;
import org.vrrpagent.agent.control.EventSource;
import org.vrrpagent.agent.control.StatusSnapshot;
import org.vrrpagent.agent.metrics.Metrics;
import org.vrrpagent.agent.notify.NotificationStats;
import org.vrrpagent.agent.notify.Notifications;
import org.vrrpagent.agent.notify.StatusSource;
import org.vrrpagent.agent.priority.DelayScheduler;
import org.vrrpagent.agent.priority.PriorityOrderReloader;
import org.vrrpagent.agent.priority.PriorityOrderState;
import org.vrrpagent.agent.priority.PriorityOrderWatcher;
import org.vrrpagent.agent.priority.RankedPriority;
import org.vrrpagent.agent.systemd.SdNotify;
import org.vrrpagent.agent.systemd.SystemdStatusLine;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.ExecutorTaskScheduler;
import org.vrrpagent.checks.Ticker;
import org.vrrpagent.checks.probe.FileChangeTrigger;
import org.vrrpagent.checks.probe.ProbeFactory;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.linux.CommandRunner;
import org.vrrpagent.core.linux.IpAddressTable;
import org.vrrpagent.core.linux.PacketSocketAnnouncer;
import org.vrrpagent.core.linux.RawSocketTransport;
import org.vrrpagent.core.linux.VirtualMacLink;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.DropReason;
import sun.misc.Signal;

/**
 * The running daemon: health checks, priority-order files, the VRRP engine, the control API,
 * metrics and systemd notification, wired. SIGTERM/SIGINT stop it cleanly (a master sends
 * priority 0 and removes its addresses; exit 0); SIGHUP reloads the configuration.
 *
 * <p>Start-up order: checks are created (not run), priority-order files read, the effective
 * priorities computed, the transports opened and the routers built with those priorities,
 * then the checks and the engine start. Every later change in a check, a file or an operator
 * command reaches the engine at once through the {@link PriorityTracker}.
 *
 * <p>One path for configuration changes: SIGHUP, {@code vrrp-agent reload} and
 * {@code POST /reload} all call {@link #reload()}, which validates the file and hands a valid
 * configuration to {@link #apply}. An instance whose VRRP settings did not change keeps its
 * state and addresses (no flap); a changed one is stopped (priority 0) and started anew.
 */
public final class Daemon implements ControlBackend {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** How long shutdown may take before we give up on a clean exit. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  private final Path configFile;
  private final FileRules rules;
  private final List<EngineListener> extraListeners;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final SdNotify sd = SdNotify.fromEnvironment();
  private final Metrics metrics = new Metrics();
  /** Reads which virtual addresses are on the interfaces, for status (control API thread). */
  private final IpAddressTable statusAddressTable = new IpAddressTable();

  // Set up by run(); changed only under this object's lock (reload).
  private Config config;
  private volatile Engine engine;
  private volatile CheckScheduler checks;
  private ProbeFactory probes;
  private volatile PriorityTracker tracker;
  private ScheduledExecutorService background;
  private final Map<EngineAssembly.TransportKey, Transport> transports = new LinkedHashMap<>();
  private final Map<String, VirtualMacLink> virtualMacs = new LinkedHashMap<>();
  private final Map<Path, PriorityOrderReloader> reloaders = new LinkedHashMap<>();
  private final List<AutoCloseable> watchers = new ArrayList<>();
  private volatile EventSource events = consumer -> () -> {};
  private Path stateFile = StateFile.DEFAULT_PATH;
  private AddressGuard guard;
  private volatile AddressReconciler reconciler;
  /** Which instance each virtual address belongs to (for the reconciler's reports). */
  private volatile Map<java.net.InetAddress, String> addressOwners = Map.of();

  public Daemon(Config config, Path configFile, FileRules rules) {
    this(config, configFile, rules, List.of());
  }

  public Daemon(Config config, Path configFile, FileRules rules, List<EngineListener> extraListeners) {
    this.config = config;
    this.configFile = configFile;
    this.rules = rules;
    this.extraListeners = List.copyOf(extraListeners);
  }

  /** Where live events for {@code GET /events} come from (the notifications' event bus). */
  public void events(EventSource source) {
    this.events = Objects.requireNonNull(source);
  }

  /** Where this run records the addresses and links it adds (default {@link StateFile#DEFAULT_PATH}). */
  public void stateFile(Path path) {
    this.stateFile = Objects.requireNonNull(path);
  }

  /** Runs until SIGTERM/SIGINT. Returns the exit code. */
  public int run(PrintWriter err) {
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(signal), s -> {
        log.info("SIG{}: stopping", s.getName());
        stop.countDown();
      });
    }
    List<AutoCloseable> open = new ArrayList<>(); // closed in reverse order
    try {
      background = Executors.newScheduledThreadPool(1,
          r -> Thread.ofPlatform().daemon().name("agent-background").unstarted(r));
      open.add(background::shutdownNow);
      // What an earlier run (any configuration) left behind goes first; this run is recorded.
      guard = AddressGuard.start(new StateFile(stateFile));
      PacketSocketAnnouncer announcer = PacketSocketAnnouncer.open();
      open.add(announcer);
      // Virtual MACs before the engine, removed after it: a master's addresses are off them first.
      open.add(() -> virtualMacs.values().forEach(this::closeVirtualMac));
      for (InstanceConfig i : config.instances().values()) {
        createVirtualMac(i);
      }
      probes = new ProbeFactory(1, config.limits().runningScripts());
      open.add(probes);
      ExecutorTaskScheduler checkThread = ExecutorTaskScheduler.singleThread();
      open.add(checkThread);
      checks = new CheckScheduler(Ticker.SYSTEM, checkThread, config.node().hashCode(), true);
      open.add(checks);
      for (CheckSpec spec : CheckSpecs.of(config.checks().values())) {
        checks.add(spec, probes.create(spec.probe()));
      }
      metrics.checks(checks);
      metrics.processRuns(probes.scriptRuns());
      metrics.processRuns(CommandRunner.runs());

      // Notifications close after the engine has stopped, so STOP events still reach hooks and mail.
      Notifications notifications = Notifications.start(config, new MailStatus());
      open.add(notifications);
      metrics.processRuns(notifications.hookRuns());
      events = consumer -> notifications.events().subscribe(consumer);
      metrics.notificationQueue(() -> {
        NotificationStats n = notifications.stats();
        return n.hookQueueDepth() + n.mailQueueDepth();
      });
      List<EngineListener> listeners = new ArrayList<>();
      listeners.add(new DropLog());
      listeners.add(metrics);
      // STATUS= lines leave from their own thread: sendto may block, the engine thread must not.
      SystemdStatusLine statusLine = new SystemdStatusLine(sd);
      open.add(statusLine);
      listeners.add(statusLine);
      listeners.add(notifications);
      listeners.addAll(extraListeners);
      engine = new Engine(guard.table(), announcer, new FanOutListener(listeners));
      metrics.instances(engine::status);
      metrics.priorityOrderFiles(this::priorityFiles);
      tracker = new PriorityTracker(config, checks::status, new EngineSink(engine));
      open.add(() -> closeAll(watchers));
      watchPriorityOrderFiles();

      open.add(() -> closeAll(transports.values()));
      open.add(() -> {
        sd.stopping();
        if (!engine.shutdown(SHUTDOWN_TIMEOUT)) {
          log.error("stopped, but not cleanly: see above");
        }
      });
      addRouters(config.instances().keySet());
      checks.addListener(tracker);
      watchFileChecks();
      checks.start();
      engine.start();
      // A master keeps its addresses and notices a duplicate (own thread; closed before the engine stops).
      addressOwners = AddressReports.owners(config);
      reconciler = new AddressReconciler(guard.table(),
          a -> addressOwners.getOrDefault(a.address().address(), a.interfaceName()),
          new AddressReports(metrics, notifications));
      open.add(reconciler);
      reconciler.start();

      ControlServer control = new ControlServer(this, metrics::scrape, consumer -> events.subscribe(consumer));
      open.add(control);
      control.start(config.control());

      Signal.handle(new Signal("HUP"), s -> background.execute(() -> {
        ActionResult r = reload();
        log.info("SIGHUP: {}", r.message());
      }));
      log.info("node {}: running {} instance(s) ({}), {} check(s)", config.node(), config.instances().size(),
          String.join(", ", config.instances().keySet()), config.checks().size());
      // READY once sockets are open and the first round of checks had its time to run.
      long firstRound = config.checks().values().stream().mapToLong(c -> c.interval().toMillis()).max().orElse(0);
      background.schedule(() -> sd.ready(SdNotify.describe(engine.status())), firstRound, TimeUnit.MILLISECONDS);
      sd.keepAlive(background, () -> !stopping());
      stop.await();
      return 0;
    } catch (TransportException | IllegalArgumentException | IOException | UncheckedIOException e) {
      err.println("vrrp-agent: " + e.getMessage());
      err.flush();
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      for (AutoCloseable c : open.reversed()) {
        try {
          c.close();
        } catch (Exception e) {
          log.warn("while stopping: {}", e.toString());
        }
      }
      log.info("stopped");
    }
  }

  /** Asks the daemon to stop, as SIGTERM does. */
  public void stop() {
    stop.countDown();
  }

  private boolean stopping() {
    return stop.getCount() == 0;
  }

  // ------------------------------------------------------------------ reload: the one apply path

  /** Re-reads the configuration file; a valid one is applied, an invalid one refused (the running one stays). */
  @Override
  public synchronized ActionResult reload() {
    Config next;
    try {
      next = ConfigLoader.load(configFile, rules);
    } catch (ConfigException e) {
      List<String> lines = e.errors().stream().map(Object::toString).toList();
      lines.forEach(l -> log.error("reload refused: {}", l));
      return ActionResult.refused("configuration refused, the running one is kept: " + String.join("; ", lines));
    }
    sd.reloading();
    try {
      return apply(next);
    } finally {
      sd.ready(SdNotify.describe(engine.status()));
    }
  }

  /** Applies a validated configuration to the running daemon. */
  public synchronized ActionResult apply(Config next) {
    if (!next.node().equals(config.node())) {
      return ActionResult.refused("node name changed (" + config.node() + " -> " + next.node() + "): restart the agent");
    }
    if (!next.control().equals(config.control())) {
      log.warn("reload: control API settings changed; they take effect at the next restart");
    }
    if (!next.notifications().equals(config.notifications())) {
      log.warn("reload: notify settings changed; they take effect at the next restart");
    }
    Config before = config;
    Set<String> kept = new LinkedHashSet<>();
    for (String name : next.instances().keySet()) {
      if (before.instances().containsKey(name)
          && RouterShape.of(before, name).equals(RouterShape.of(next, name))) {
        kept.add(name);
      }
    }
    Set<String> stopped = new LinkedHashSet<>(before.instances().keySet());
    stopped.removeAll(kept);
    Set<String> started = new LinkedHashSet<>(next.instances().keySet());
    started.removeAll(kept);
    try {
      // 1. Stop what changed or went (a sync group goes whole).
      Set<String> gone = new HashSet<>();
      for (String name : stopped) {
        if (!gone.contains(name) && engine.routers().contains(name)) {
          gone.addAll(engine.remove(name));
        }
        VirtualMacLink link = virtualMacs.remove(name);
        if (link != null) {
          closeVirtualMac(link);
        }
      }
      // 2. Checks: replace changed, drop removed, add new.
      for (Map.Entry<String, CheckConfig> e : before.checks().entrySet()) {
        if (!e.getValue().equals(next.checks().get(e.getKey()))) {
          checks.remove(e.getKey());
        }
      }
      for (CheckConfig c : next.checks().values()) {
        if (!c.equals(before.checks().get(c.name()))) {
          CheckSpec spec = CheckSpecs.of(c);
          checks.add(spec, probes.create(spec.probe()));
        }
      }
      metrics.checks(checks);
      // 3. Priorities of the instances that stay, recomputed with the new tracking; new files watched.
      config = next;
      addressOwners = AddressReports.owners(next);
      tracker.reconfigure(next, started);
      closeAll(watchers);
      watchers.clear();
      reloaders.clear();
      watchPriorityOrderFiles();
      watchFileChecks();
      // 4. Start what is new or changed, on transports opened as needed; close the unused ones.
      for (String name : started) {
        createVirtualMac(next.instances().get(name));
      }
      addRouters(started);
      Set<EngineAssembly.TransportKey> needed = EngineAssembly.transportKeys(next);
      transports.entrySet().removeIf(e -> {
        if (!needed.contains(e.getKey())) {
          e.getValue().close();
          return true;
        }
        return false;
      });
    } catch (RuntimeException | IOException e) {
      log.error("reload failed part way: {}", e.toString(), e);
      return ActionResult.refused("reload failed part way (" + e.getMessage() + "); check the status and restart the agent");
    }
    String message = "reloaded: " + kept.size() + " instance(s) unchanged" + (started.isEmpty() ? "" : ", restarted or added "
        + String.join(", ", started)) + (removedOnly(stopped, started).isEmpty() ? "" : ", removed "
        + String.join(", ", removedOnly(stopped, started)));
    log.info(message);
    return ActionResult.done(message);
  }

  private static List<String> removedOnly(Set<String> stopped, Set<String> started) {
    return stopped.stream().filter(s -> !started.contains(s)).toList();
  }

  /**
   * What a router is built from: if this is equal before and after a reload, the router keeps
   * running. Tracking, priority-order settings and a non-owner priority are not part of it:
   * they change the effective priority of a running router instead.
   */
  record RouterShape(InstanceConfig shape, Optional<SyncGroupConfig> group, boolean virtualMacMember) {
    static RouterShape of(Config c, String name) {
      InstanceConfig i = c.instances().get(name);
      InstanceConfig shape = new InstanceConfig(i.name(), i.interfaceName(), i.vrid(), i.version(),
          i.priority() == InstanceConfig.OWNER_PRIORITY ? InstanceConfig.OWNER_PRIORITY : InstanceConfig.DEFAULT_PRIORITY,
          i.advertInterval(), i.preempt(), i.preemptDelay(), i.fastPreempt(), i.addresses(), i.source(),
          i.unicastPeers(), i.auth(), i.checksum(), i.garp(), i.virtualMac(), List.of(), Optional.empty(),
          i.resignBelow(), i.receive());
      Optional<SyncGroupConfig> group = c.syncGroups().values().stream()
          .filter(g -> g.instances().contains(name)).findFirst();
      return new RouterShape(shape, group, i.virtualMac());
    }
  }

  // ------------------------------------------------------------------ control API backend

  @Override
  public StatusSnapshot status() {
    Map<String, PriorityTracker.Explained> why = tracker.explain();
    List<StatusSnapshot.InstanceStatus> instances = new ArrayList<>();
    long nowNanos = System.nanoTime();
    Instant now = Instant.now();
    Config c = config;
    Map<String, List<InterfaceAddress>> onInterfaces = new java.util.HashMap<>();
    for (RouterStatus r : engine.status()) {
      PriorityTracker.Explained e = why.get(r.name());
      InstanceConfig i = c.instances().get(r.name());
      List<StatusSnapshot.PriorityReason> reasons = new ArrayList<>();
      if (e != null) {
        reasons.add(new StatusSnapshot.PriorityReason(e.baseReason(), e.base()));
        for (String contribution : e.contributions()) {
          reasons.add(new StatusSnapshot.PriorityReason(contribution, deltaOf(contribution)));
        }
      }
      instances.add(new StatusSnapshot.InstanceStatus(r.name(), r.state().name(), r.faultReason(),
          e == null ? r.basePriority() : e.base(), r.effectivePriority(), reasons,
          e == null || e.operatorDemotion() == 0 ? null : "demoted by " + e.operatorDemotion(),
          r.masterAddress() == null ? null : r.masterAddress().getHostAddress(), r.masterPriority(),
          i == null ? List.of() : i.addresses().stream().map(VirtualAddress::toString).toList(),
          r.sinceNanos() == 0 ? null : now.minusNanos(nowNanos - r.sinceNanos()),
          i == null ? null : held(i, onInterfaces),
          conflicts(r, now, nowNanos)));
    }
    return new StatusSnapshot(c.node(), now, instances, StatusSnapshot.CheckSnapshot.all(checks.statuses()),
        priorityFiles());
  }

  /**
   * The instance's virtual addresses that are on its interface now, from the address table (one
   * read per interface per status); null when the table cannot be read.
   */
  private List<String> held(InstanceConfig i, Map<String, List<InterfaceAddress>> onInterfaces) {
    String where = i.virtualMac() ? VirtualMacLink.interfaceName(i.family(), i.vrid()) : i.interfaceName();
    List<InterfaceAddress> present = onInterfaces.computeIfAbsent(where, name -> {
      try {
        return statusAddressTable.list(name);
      } catch (RuntimeException ex) {
        log.debug("status: cannot read the addresses of {}: {}", name, ex.getMessage());
        return null;
      }
    });
    if (present == null) {
      return null;
    }
    return i.addresses().stream()
        .filter(v -> present.stream().anyMatch(p -> p.address().equals(v.address())))
        .map(VirtualAddress::toString)
        .toList();
  }

  /** The engine's peer conflicts and the duplicate-address alarms of router {@code r}. */
  private List<StatusSnapshot.ConflictStatus> conflicts(RouterStatus r, Instant now, long nowNanos) {
    List<StatusSnapshot.ConflictStatus> out = new ArrayList<>();
    r.conflicts().forEach(p -> out.add(new StatusSnapshot.ConflictStatus(p.peer().getHostAddress(), p.differs(),
        p.reason().label(), p.detail(), now.minusNanos(nowNanos - p.sinceNanos()),
        now.minusNanos(nowNanos - p.lastSeenNanos()), p.adverts())));
    AddressReconciler rec = reconciler;
    if (rec != null) {
      for (AddressReconciler.Duplicate d : rec.duplicates()) {
        if (d.instance().equals(r.name())) {
          String address = org.vrrpagent.base.AddressText.of(d.address().address().address());
          out.add(new StatusSnapshot.ConflictStatus(d.mac(), "duplicate address " + address, "duplicate_address",
              "another MAC answers for " + address + " (ARP / Neighbor Advertisement) on " + d.address().interfaceName() + " while we are MASTER",
              now.minusNanos(nowNanos - d.sinceNanos()), now.minusNanos(nowNanos - d.lastSeenNanos()), d.claims()));
        }
      }
    }
    return out;
  }

  /** "check web up: +20" → 20, "check x down: -60" → -60; 0 when the text carries no number. */
  static int deltaOf(String adjustment) {
    java.util.regex.Matcher clamp = java.util.regex.Pattern.compile("^clamped (-?\\d+) to (\\d+)$").matcher(adjustment);
    if (clamp.matches()) {
      // what the clamp adds: the deltas then sum to the effective priority
      return Integer.parseInt(clamp.group(2)) - Integer.parseInt(clamp.group(1));
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(": ([+-]\\d+)").matcher(adjustment);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  @Override
  public ActionResult demote(String instance, Demotion demotion) {
    if (!config.instances().containsKey(instance)) {
      return ActionResult.unknownInstance(instance);
    }
    int by = switch (demotion) {
      case Demotion.ToBackup t -> 253;
      case Demotion.By b -> b.by();
    };
    tracker.demote(instance, by);
    log.info("{}: demoted by the operator ({})", instance, demotion.describe());
    return ActionResult.done(instance + ": " + demotion.describe());
  }

  @Override
  public ActionResult promote(String instance) {
    if (!config.instances().containsKey(instance)) {
      return ActionResult.unknownInstance(instance);
    }
    tracker.demote(instance, 0);
    log.info("{}: operator demotion lifted", instance);
    return ActionResult.done(instance + ": demotion lifted");
  }

  // ------------------------------------------------------------------ wiring helpers

  private static Map<String, Integer> effective(Map<String, PriorityTracker.Explained> explained) {
    Map<String, Integer> out = new LinkedHashMap<>();
    explained.forEach((name, e) -> out.put(name, e.effective()));
    return out;
  }

  /**
   * Builds and adds the routers of {@code names} (the current configuration's) to the engine:
   * transports opened as needed, priorities as the tracker computes them now, and any change
   * the tracker saw while they were being built handed to the engine before they run.
   */
  private void addRouters(Set<String> names) {
    Set<EngineAssembly.TransportKey> had = new HashSet<>(transports.keySet());
    EngineAssembly.openMissing(config, engine, Daemon::open, transports);
    transports.forEach((k, t) -> {
      if (!had.contains(k)) {
        metrics.transportDrops(t.drops());
      }
    });
    useVirtualMacs(names);
    Map<String, PriorityTracker.Explained> preview = tracker.preview();
    EngineAssembly.addRouters(config, names, engine, transports, effective(preview));
    pushDifferences(tracker.initial(names), preview);
  }

  private void pushDifferences(Map<String, PriorityTracker.Explained> now, Map<String, PriorityTracker.Explained> built) {
    now.forEach((name, e) -> {
      if (e.fault()) {
        engine.faultRaised(name, e.faultReason());
      }
      if (e.effective() != built.get(name).effective()) {
        engine.priorityChanged(name, e.effective());
      }
    });
  }

  private void createVirtualMac(InstanceConfig i) {
    if (i.virtualMac()) {
      String name = VirtualMacLink.interfaceName(i.family(), i.vrid());
      guard.table().linkCreating(name, i.interfaceName(), VirtualMacLink.mac(i.family(), i.vrid()));
      try {
        virtualMacs.put(i.name(), VirtualMacLink.create(i.interfaceName(), i.family(), i.vrid()));
      } catch (RuntimeException e) {
        guard.table().linkRemoved(name); // create removed what it had made
        throw e;
      }
    }
  }

  /** Removes the macvlan; struck out of the state file only once it is gone. */
  private void closeVirtualMac(VirtualMacLink link) {
    try {
      link.close();
    } catch (RuntimeException e) {
      log.warn("while closing {}: {}", link, e.toString());
      // the sysctls may not be restored, but the link itself is gone unless close says so
      if (e.getMessage() != null && e.getMessage().contains("cannot remove")) {
        return;
      }
    }
    guard.table().linkRemoved(link.name());
  }

  private void useVirtualMacs(Set<String> names) {
    for (String name : names) {
      InstanceConfig i = config.instances().get(name);
      if (i.virtualMac() && i.family() == AddressFamily.IPV4 && !i.unicast()
          && transports.get(EngineAssembly.TransportKey.of(i)) instanceof RawSocketTransport t) {
        // Adverts with the virtual MAC as source (RFC 9568 §7.2), as keepalived's use_vmac sends them.
        t.sendFromVirtualMac(i.vrid(), VirtualMacLink.interfaceName(i.family(), i.vrid()));
      }
    }
  }

  private List<StatusSnapshot.PriorityFileStatus> priorityFiles() {
    return reloaders.values().stream().map(r -> StatusSnapshot.PriorityFileStatus.of(r.state())).toList();
  }

  /** One reloader and watcher per file; each instance ranked from it. */
  private void watchPriorityOrderFiles() throws IOException {
    Map<Path, List<InstanceConfig>> byFile = new LinkedHashMap<>();
    for (InstanceConfig i : config.instances().values()) {
      i.priorityOrder().ifPresent(p -> byFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(i));
    }
    for (Map.Entry<Path, List<InstanceConfig>> e : byFile.entrySet()) {
      List<InstanceConfig> instances = e.getValue();
      String node = config.node();
      PriorityOrderReloader reloader = new PriorityOrderReloader(e.getKey(), DelayScheduler.of(background),
          (PriorityOrderState state) -> {
            for (InstanceConfig i : instances) {
              PriorityOrderConfig poc = i.priorityOrder().orElseThrow();
              tracker.rankChanged(i.name(), RankedPriority.of(state.orderOrNull(), node, poc));
            }
          });
      reloaders.put(e.getKey(), reloader);
      watchers.add(PriorityOrderWatcher.start(reloader));
    }
  }

  /** File checks are re-read as soon as their file changes, not only at their interval. */
  private void watchFileChecks() throws IOException {
    FileChangeTrigger trigger = null;
    for (CheckConfig c : config.checks().values()) {
      if (c.probe() instanceof ProbeConfig.File f) {
        if (trigger == null) {
          trigger = new FileChangeTrigger(checks);
          watchers.add(trigger);
        }
        trigger.watch(c.name(), f.path());
      }
    }
  }

  private static void closeAll(Iterable<? extends AutoCloseable> things) {
    for (AutoCloseable c : things) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("while closing {}: {}", c, e.toString());
      }
    }
  }

  private static Transport open(EngineAssembly.TransportKey key, Engine engine) {
    RawSocketTransport.Options options = new RawSocketTransport.Options(
        key.interfaceName(), key.family(), key.source().orElse(null), key.unicastPeers());
    return RawSocketTransport.open(options, packet -> engine.receive(key, packet));
  }

  /** The tracker's results go to the engine. */
  private record EngineSink(Engine engine) implements PriorityTracker.Sink {
    @Override
    public void priorityChanged(String instance, int effectivePriority) {
      engine.priorityChanged(instance, effectivePriority);
    }

    @Override
    public void faultRaised(String instance, String reason) {
      engine.faultRaised(instance, reason);
    }

    @Override
    public void faultCleared(String instance) {
      engine.faultCleared(instance);
    }
  }

  /** What a mail's body says about every instance and the failing checks (called from the mail thread). */
  private final class MailStatus implements StatusSource {
    @Override
    public List<StatusSource.InstanceSummary> instances() {
      if (engine == null || tracker == null) {
        return List.of();
      }
      Map<String, PriorityTracker.Explained> why = tracker.explain();
      List<StatusSource.InstanceSummary> out = new ArrayList<>();
      for (RouterStatus r : engine.status()) {
        PriorityTracker.Explained e = why.get(r.name());
        String reasons = e == null ? "" : e.baseReason()
            + (e.adjustments().isEmpty() ? "" : "; " + String.join("; ", e.adjustments()))
            + (e.fault() ? "; fault: " + e.faultReason() : "");
        out.add(new StatusSource.InstanceSummary(r.name(), r.state().name(),
            e == null ? r.basePriority() : e.base(), r.effectivePriority(), reasons));
      }
      return out;
    }

    @Override
    public List<StatusSource.FailingCheck> failingChecks() {
      if (checks == null) {
        return List.of();
      }
      return checks.statuses().stream().filter(c -> !c.up())
          .map(c -> new StatusSource.FailingCheck(c.name(),
              c.lastResult().map(org.vrrpagent.checks.ProbeResult::reason).orElse("no result yet")))
          .toList();
    }
  }

  /**
   * Logs drops at debug level; the first of each reason at info so an operator sees it once.
   * Every call comes from the engine thread (drops found on a transport's thread too: the
   * engine reports them from its own), so the set needs no lock.
   */
  private static final class DropLog implements EngineListener {
    private final Set<DropReason> seen = java.util.EnumSet.noneOf(DropReason.class);

    @Override
    public void dropped(String router, DropReason reason, String detail) {
      String who = router == null ? "" : router + ": ";
      if (seen.add(reason)) {
        log.info("{}dropped a packet ({}): {} (further drops of this kind are logged at debug level)",
            who, reason.label(), detail);
      } else {
        log.debug("{}dropped a packet ({}): {}", who, reason.label(), detail);
      }
    }

    @Override
    public void failure(String router, String message) {
      log.error("{}: {}", router, message);
    }
  }
}
