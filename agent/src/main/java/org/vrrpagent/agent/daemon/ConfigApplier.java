package org.vrrpagent.agent.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.addresses.AddressGuard;
import org.vrrpagent.agent.addresses.AddressReports;
import org.vrrpagent.agent.config.ActionsConfig;
import org.vrrpagent.agent.config.CarpSettings;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigError;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.config.EnginePriorityConfig;
import org.vrrpagent.agent.config.FileRules;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.PriorityOrderConfig;
import org.vrrpagent.agent.config.SyncGroupConfig;
import org.vrrpagent.agent.config.VirtualAddress;
import org.vrrpagent.agent.control.ActionResult;
import org.vrrpagent.agent.control.StatusSnapshot;
import org.vrrpagent.agent.metrics.Metrics;
import org.vrrpagent.agent.priority.DelayScheduler;
import org.vrrpagent.agent.priority.PriorityOrderReloader;
import org.vrrpagent.agent.priority.PriorityOrderState;
import org.vrrpagent.agent.priority.PriorityOrderWatcher;
import org.vrrpagent.agent.priority.RankedPriority;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.probe.FileChangeTrigger;
import org.vrrpagent.checks.probe.ProbeFactory;
import org.vrrpagent.core.carp.CarpConfig;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.linux.RawSocketTransport;
import org.vrrpagent.core.linux.VirtualMacLink;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * The one path for configuration: the start-up configuration and every reload (SIGHUP, {@code
 * vrrp-agent reload}, {@code POST /reload}) are applied here, to the running engine, checks,
 * priority-order files and notifications.
 *
 * <p>A reload reads the file through the same loader as {@code validate} and {@code run} ({@link
 * ConfigLoader#load}); a refused file changes nothing and answers with the same {@code
 * FILE:LINE:COL: … (expected: …)} lines. An instance whose VRRP settings did not change keeps its
 * state and addresses (no flap); a changed one is stopped (priority 0) and started anew. All
 * methods run under this object's lock.
 */
final class ConfigApplier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigApplier.class);

  /** The running pieces a configuration is applied to; they live as long as the daemon. */
  record Parts(
      Engine engine,
      CheckScheduler checks,
      ProbeFactory probes,
      PriorityTracker tracker,
      Metrics metrics,
      NotificationPipeline notifications,
      ScheduledExecutorService background) {}

  private final Path configFile;
  private final FileRules rules;
  private Parts parts;
  private AddressGuard guard;
  private volatile Config config;

  /** Which instance each virtual address belongs to (for the address reconciler's reports). */
  private volatile Map<InetAddress, String> addressOwners;

  private final Map<EngineAssembly.TransportKey, Transport> transports = new LinkedHashMap<>();
  private final Map<String, VirtualMacLink> virtualMacs = new LinkedHashMap<>();

  /**
   * Priority-order files: kept across reloads while named, so a reload never forgets a good order.
   */
  private final Map<Path, WatchedFile> priorityOrderFiles = new LinkedHashMap<>();

  /** The file checks' change trigger, made anew at every reload. */
  private final List<AutoCloseable> watchers = new ArrayList<>();

  /**
   * Priority-order files are debounced and read on their own thread, never the shared background
   * one.
   */
  private final java.util.concurrent.ScheduledExecutorService priorityFileThread =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("priority-order").unstarted(r));

  private record WatchedFile(PriorityOrderReloader reloader, AutoCloseable watcher) {}

  /** engine-priority as read at start (a change takes a restart). */
  private final EnginePriorityConfig enginePriority;

  ConfigApplier(Config config, Path configFile, FileRules rules) {
    this.enginePriority = config.enginePriority();
    this.config = config;
    this.addressOwners = AddressReports.owners(config);
    this.configFile = configFile;
    this.rules = rules;
  }

  Config config() {
    return config;
  }

  Map<InetAddress, String> addressOwners() {
    return addressOwners;
  }

  // ------------------------------------------------------------------ start-up

  /**
   * Virtual MACs come first (before the engine) and go last: a master's addresses are off them
   * first.
   */
  synchronized void createVirtualMacs(AddressGuard guard) {
    this.guard = guard;
    for (InstanceConfig i : config.instances().values()) {
      createVirtualMac(i);
    }
  }

  /** The start-up configuration's checks (created, not yet running). */
  static void addChecks(Config config, CheckScheduler checks, ProbeFactory probes) {
    for (CheckSpec spec : config.checks().values()) {
      checks.add(spec, probes.create(spec.probe()));
    }
  }

  /** Watches the priority-order files and file checks, then builds and adds every router. */
  synchronized void start(Parts running) throws IOException {
    this.parts = running;
    watchPriorityOrderFiles();
    addRouters(config.instances().keySet());
    parts.checks().addListener(parts.tracker());
    watchFileChecks();
  }

  // ------------------------------------------------------------------ reload

  /**
   * Re-reads the configuration file; a valid one is applied, an invalid one refused (the running
   * one stays).
   */
  synchronized ActionResult reload() {
    Config next;
    try {
      next = ConfigLoader.load(configFile, rules.atReload());
    } catch (ConfigException e) {
      List<String> lines = e.errors().stream().map(ConfigError::toString).toList();
      lines.forEach(l -> log.error("reload refused: {}", l));
      return ActionResult.refused(
          "configuration refused, the running one is kept: " + String.join("; ", lines));
    }
    for (Path file : priorityOrderFiles(next)) {
      if (!Files.isRegularFile(file)) {
        // At start this is an error; at a reload a warning. A missing file means what it means
        // while the agent runs: every host unlisted in it (PriorityOrderState.Status.MISSING; the
        // watcher of a file already watched has seen it go), until the file appears.
        log.warn(
            "reload: priority-order file {} does not exist: every host is unlisted in it until it"
                + " appears",
            file);
      }
    }
    return apply(next);
  }

  /** Applies a validated configuration to the running daemon. */
  synchronized ActionResult apply(Config next) {
    Config before = config;
    if (!next.node().equals(before.node())) {
      return ActionResult.refused(
          "node name changed (" + before.node() + " -> " + next.node() + "): restart the agent");
    }
    if (!next.control().equals(before.control())) {
      log.warn("reload: control API settings changed; they take effect at the next restart");
    }
    if (!next.limits().equals(before.limits())) {
      log.warn("reload: limits changed; they take effect at the next restart");
    }
    if (!next.enginePriority().equals(before.enginePriority())) {
      log.warn("reload: engine-priority changed; it takes effect at the next restart");
    }
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
    Engine engine = parts.engine();
    CheckScheduler checks = parts.checks();
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
      for (Map.Entry<String, CheckSpec> e : before.checks().entrySet()) {
        if (!e.getValue().equals(next.checks().get(e.getKey()))) {
          checks.remove(e.getKey());
        }
      }
      for (CheckSpec c : next.checks().values()) {
        if (!c.equals(before.checks().get(c.name()))) {
          checks.add(c, parts.probes().create(c.probe()));
        }
      }
      parts.metrics().checks(checks);
      // 3. Priorities of the instances that stay, recomputed with the new tracking; new files
      // watched.
      config = next;
      addressOwners = AddressReports.owners(next);
      parts.tracker().reconfigure(next, started);
      closeAll(watchers);
      watchers.clear();
      watchPriorityOrderFiles();
      watchFileChecks();
      // 4. Notifications for the new settings (the old queue drains in the background).
      parts.notifications().reconfigure(before, next);
      // 5. Start what is new or changed, on transports opened as needed; close the unused ones.
      for (String name : started) {
        createVirtualMac(next.instances().get(name));
      }
      addRouters(started);
      Set<EngineAssembly.TransportKey> needed = EngineAssembly.transportKeys(next);
      transports
          .entrySet()
          .removeIf(
              e -> {
                if (!needed.contains(e.getKey())) {
                  e.getValue().close();
                  return true;
                }
                return false;
              });
    } catch (RuntimeException | IOException e) {
      // Not the configuration (that was valid): the host refused something. One line here, the
      // trace in the log.
      log.error("reload failed part way: {}", e.toString(), e);
      return ActionResult.refused(
          "reload failed part way ("
              + e.getMessage()
              + "); check the status and restart the agent");
    }
    List<String> removed = stopped.stream().filter(s -> !started.contains(s)).toList();
    String message =
        "reloaded: "
            + kept.size()
            + " instance(s) unchanged"
            + (started.isEmpty() ? "" : ", restarted or added " + String.join(", ", started))
            + (removed.isEmpty() ? "" : ", removed " + String.join(", ", removed));
    log.info(message);
    return ActionResult.done(message);
  }

  /**
   * What a router is built from: if this is equal before and after a reload, the router keeps
   * running. Tracking, priority-order settings and a non-owner priority are not part of it: they
   * change the effective priority of a running router instead.
   */
  record RouterShape(
      InstanceConfig shape, Optional<SyncGroupConfig> group, boolean virtualMacMember) {
    static RouterShape of(Config c, String name) {
      InstanceConfig i = c.instances().get(name);
      InstanceConfig shape =
          new InstanceConfig(
              i.name(),
              i.interfaceName(),
              i.vrid(),
              i.version(),
              i.priority() == InstanceConfig.OWNER_PRIORITY
                  ? InstanceConfig.OWNER_PRIORITY
                  : InstanceConfig.DEFAULT_PRIORITY,
              i.advertInterval(),
              i.preempt(),
              i.preemptDelay(),
              i.fastPreempt(),
              // an action-only instance's shape is its advertised list (its actions are not the
              // router's business: changing them does not restart it)
              i.addresses().isEmpty()
                  ? i.advertisedAddresses().stream()
                      .map(a -> new VirtualAddress(a, a.getAddress().length * 8))
                      .toList()
                  : i.addresses(),
              i.source(),
              i.unicastPeers(),
              i.auth(),
              i.hmac(),
              i.checksum(),
              i.garp(),
              i.virtualMac(),
              List.of(),
              Optional.empty(),
              i.resignBelow(),
              i.receive(),
              ActionsConfig.NONE,
              Optional.empty(),
              // A CARP instance's advskew is its priority: a change moves the running router's
              // skew, as a changed priority does for VRRP; only a move into or out of the bottom
              // (advskew 253, 254: base priority 1, which never advertises a demote count)
              // rebuilds it. A changed passphrase (inline, or the password file's content as the
              // load read it) rebuilds the router, as a changed VRRP auth password does.
              i.carp()
                  .map(
                      carp ->
                          new CarpSettings(
                              carp.advbaseSeconds(),
                              CarpConfig.basePriorityFor(carp.advskew()) == 1
                                  ? CarpConfig.MAX_ADVSKEW
                                  : 0,
                              carp.password(),
                              carp.passwordFile(),
                              carp.fromFile())));
      Optional<SyncGroupConfig> group =
          c.syncGroups().values().stream().filter(g -> g.instances().contains(name)).findFirst();
      return new RouterShape(shape, group, i.virtualMac());
    }
  }

  // ------------------------------------------------------------------ routers, files, watchers

  /**
   * Builds and adds the routers of {@code names} (the current configuration's) to the engine:
   * transports opened as needed, priorities as the tracker computes them now, and any change the
   * tracker saw while they were being built handed to the engine before they run.
   */
  private void addRouters(Set<String> names) {
    Engine engine = parts.engine();
    PriorityTracker tracker = parts.tracker();
    Set<EngineAssembly.TransportKey> had = new HashSet<>(transports.keySet());
    EngineAssembly.openMissing(config, engine, this::open, transports);
    transports.forEach(
        (k, t) -> {
          if (!had.contains(k)) {
            parts.metrics().transportDrops(t.drops());
          }
        });
    useVirtualMacs(names);
    Map<String, PriorityTracker.Explained> preview = tracker.preview();
    EngineAssembly.addRouters(config, names, engine, transports, effective(preview));
    tracker
        .initial(names)
        .forEach(
            (name, e) -> {
              if (e.fault()) {
                engine.faultRaised(name, e.faultReason());
              }
              if (e.effective() != preview.get(name).effective()) {
                engine.priorityChanged(name, e.effective());
              }
            });
  }

  private static Map<String, Integer> effective(Map<String, PriorityTracker.Explained> explained) {
    Map<String, Integer> out = new LinkedHashMap<>();
    explained.forEach((name, e) -> out.put(name, e.effective()));
    return out;
  }

  private void createVirtualMac(InstanceConfig i) {
    if (i.isCarp() && i.family() == AddressFamily.IPV6) {
      // CARP over IPv6 (carp(4) only) sends from the interface's own MAC: see docs/carp.md.
      return;
    }
    if (i.isCarp()) {
      // CARP adverts leave from 00:00:5e:00:00:VHID, as ucarp sends them; the addresses stay on
      // the interface (as ucarp's scripts put them).
      String name = VirtualMacLink.carpInterfaceName(i.vrid());
      guard.table().linkCreating(name, i.interfaceName(), VirtualMacLink.carpMac(i.vrid()));
      try {
        virtualMacs.put(i.name(), VirtualMacLink.createCarp(i.interfaceName(), i.vrid()));
      } catch (RuntimeException e) {
        guard.table().linkRemoved(name);
        throw e;
      }
      return;
    }
    if (i.virtualMac()) {
      String name = VirtualMacLink.interfaceName(i.family(), i.vrid());
      guard.table().linkCreating(name, i.interfaceName(), VirtualMacLink.mac(i.family(), i.vrid()));
      try {
        VirtualMacLink link = VirtualMacLink.create(i.interfaceName(), i.family(), i.vrid());
        virtualMacs.put(i.name(), link);
        guard.table().linkSysctls(name, link.changedSysctls());
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
      if (i.isCarp()
          && i.family() == AddressFamily.IPV4
          && transports.get(EngineAssembly.TransportKey.of(i)) instanceof RawSocketTransport t) {
        t.sendCarpFromVirtualMac(i.vrid(), VirtualMacLink.carpInterfaceName(i.vrid()));
        continue;
      }
      if (i.virtualMac()
          && i.family() == AddressFamily.IPV4
          && !i.unicast()
          && transports.get(EngineAssembly.TransportKey.of(i)) instanceof RawSocketTransport t) {
        // Adverts with the virtual MAC as source (RFC 9568 §7.2), as keepalived's use_vmac sends
        // them.
        t.sendFromVirtualMac(i.vrid(), VirtualMacLink.interfaceName(i.family(), i.vrid()));
      }
    }
  }

  List<StatusSnapshot.PriorityFileStatus> priorityFiles() {
    synchronized (priorityOrderFiles) {
      return priorityOrderFiles.values().stream()
          .map(w -> StatusSnapshot.PriorityFileStatus.of(w.reloader().state()))
          .toList();
    }
  }

  private static Set<Path> priorityOrderFiles(Config c) {
    Set<Path> out = new LinkedHashSet<>();
    c.instances().values().forEach(i -> i.priorityOrder().ifPresent(p -> out.add(p.file())));
    return out;
  }

  /**
   * One reloader and watcher per file, each instance ranked from it. A file still named after a
   * reload keeps its reloader (and so its last good order): the instances now using it are ranked
   * from its current state at once. A file no longer named stops being watched.
   */
  private void watchPriorityOrderFiles() throws IOException {
    Set<Path> needed = priorityOrderFiles(config);
    synchronized (priorityOrderFiles) {
      priorityOrderFiles
          .entrySet()
          .removeIf(
              e -> {
                if (needed.contains(e.getKey())) {
                  return false;
                }
                closeAll(List.of(e.getValue().watcher()));
                return true;
              });
    }
    for (Path file : needed) {
      WatchedFile known;
      synchronized (priorityOrderFiles) {
        known = priorityOrderFiles.get(file);
      }
      if (known != null) {
        rank(file, known.reloader().state());
        continue;
      }
      PriorityOrderReloader reloader =
          new PriorityOrderReloader(
              file,
              DelayScheduler.of(priorityFileThread),
              (PriorityOrderState state) -> rank(file, state));
      AutoCloseable watcher = PriorityOrderWatcher.start(reloader);
      synchronized (priorityOrderFiles) {
        priorityOrderFiles.put(file, new WatchedFile(reloader, watcher));
      }
    }
  }

  /** Ranks every instance of the current configuration that reads {@code file}. */
  private void rank(Path file, PriorityOrderState state) {
    Config c = config;
    for (InstanceConfig i : c.instances().values()) {
      Optional<PriorityOrderConfig> poc = i.priorityOrder().filter(p -> p.file().equals(file));
      if (poc.isPresent()) {
        parts
            .tracker()
            .rankChanged(i.name(), RankedPriority.of(state.orderOrNull(), c.node(), poc.get()));
      }
    }
  }

  /** File checks are re-read as soon as their file changes, not only at their interval. */
  private void watchFileChecks() throws IOException {
    FileChangeTrigger trigger = null;
    for (CheckSpec c : config.checks().values()) {
      if (c.probe() instanceof FileProbeSpec f) {
        if (trigger == null) {
          trigger = new FileChangeTrigger(parts.checks());
          watchers.add(trigger);
        }
        trigger.watch(c.name(), f.path());
      }
    }
  }

  private Transport open(EngineAssembly.TransportKey key, Engine engine) {
    RawSocketTransport.Options options =
        new RawSocketTransport.Options(
            key.interfaceName(), key.family(), key.source().orElse(null), key.unicastPeers());
    // The receive threads share the engine thread's engine-priority (as read at start): a packet
    // that starts a takeover must not wait for a core any longer than the engine thread would.
    return RawSocketTransport.open(
        options,
        engine.receiver(key),
        () -> EnginePriority.applyHere(enginePriority, "receive thread"));
  }

  /**
   * Closes the watchers, then the transports (after the engine has stopped), then the virtual MACs.
   */
  void closeWatchers() {
    synchronized (this) {
      closeAll(watchers);
      watchers.clear();
      synchronized (priorityOrderFiles) {
        closeAll(priorityOrderFiles.values().stream().map(WatchedFile::watcher).toList());
        priorityOrderFiles.clear();
      }
    }
  }

  void closeTransports() {
    synchronized (this) {
      closeAll(transports.values());
    }
  }

  @Override
  public synchronized void close() {
    virtualMacs.values().forEach(this::closeVirtualMac);
    priorityFileThread.shutdownNow();
  }

  static void closeAll(Iterable<? extends AutoCloseable> things) {
    for (AutoCloseable c : things) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("while closing {}: {}", c, e.toString());
      }
    }
  }
}
