package org.vrrpagent.agent.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.FileRules;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.control.ActionResult;
import org.vrrpagent.agent.control.ControlBackend;
import org.vrrpagent.agent.control.ControlServer;
import org.vrrpagent.agent.control.Demotion;
import org.vrrpagent.agent.control.EventSource;
import org.vrrpagent.agent.control.StatusSnapshot;
import org.vrrpagent.agent.metrics.Metrics;
import org.vrrpagent.agent.notify.NotificationStats;
import org.vrrpagent.agent.notify.Notifications;
import org.vrrpagent.agent.systemd.SdNotify;
import org.vrrpagent.agent.systemd.SystemdStatusLine;
import org.vrrpagent.base.HostPort;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.ExecutorTaskScheduler;
import org.vrrpagent.checks.Ticker;
import org.vrrpagent.checks.probe.ProbeFactory;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.linux.CommandRunner;
import org.vrrpagent.core.linux.PacketSocketAnnouncer;
import org.vrrpagent.core.linux.VirtualMacLink;
import org.vrrpagent.core.wire.DropReason;
import sun.misc.Signal;

/**
 * The running daemon, assembled: health checks, priority-order files, the VRRP engine, the control
 * API, metrics and systemd notification. SIGTERM/SIGINT stop it cleanly (a master sends priority 0
 * and removes its addresses; exit 0); SIGHUP reloads the configuration.
 *
 * <p>Start-up order: checks are created (not run), priority-order files read, the effective
 * priorities computed, the transports opened and the routers built with those priorities, then the
 * checks and the engine start. Every later change in a check, a file or an operator command reaches
 * the engine at once through the {@link PriorityTracker}.
 *
 * <p>This class assembles and runs; the configuration (at start and at every reload) is applied by
 * the {@link ConfigApplier}, and what the daemon reports about itself is built by the {@link
 * StatusReport}.
 */
public final class Daemon implements ControlBackend {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** How long shutdown may take before we give up on a clean exit. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  private final ConfigApplier applier;
  private final List<EngineListener> extraListeners;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final SdNotify sd = SdNotify.fromEnvironment();
  private final Metrics metrics = new Metrics();
  private final StatusReport report;

  // Set up by run().
  private volatile Engine engine;
  private volatile CheckScheduler checks;
  private volatile PriorityTracker tracker;
  private volatile Rotator rotator;
  private volatile EventSource events = consumer -> () -> {};
  private Path stateFile = StateFile.DEFAULT_PATH;
  private volatile AddressReconciler reconciler;

  public Daemon(Config config, Path configFile, FileRules rules) {
    this(config, configFile, rules, List.of());
  }

  public Daemon(
      Config config, Path configFile, FileRules rules, List<EngineListener> extraListeners) {
    this.applier = new ConfigApplier(config, configFile, rules);
    this.extraListeners = List.copyOf(extraListeners);
    this.report =
        new StatusReport(
            new StatusReport.Running() {
              @Override
              public Config config() {
                return applier.config();
              }

              @Override
              public Engine engine() {
                return engine;
              }

              @Override
              public PriorityTracker tracker() {
                return tracker;
              }

              @Override
              public CheckScheduler checks() {
                return checks;
              }

              @Override
              public List<StatusSnapshot.PriorityFileStatus> priorityFiles() {
                return applier.priorityFiles();
              }

              @Override
              public AddressReconciler reconciler() {
                return reconciler;
              }
            });
  }

  /**
   * Where this run records the addresses and links it adds (default {@link
   * StateFile#DEFAULT_PATH}).
   */
  public void stateFile(Path path) {
    this.stateFile = Objects.requireNonNull(path);
  }

  private static final java.util.concurrent.atomic.AtomicBoolean EARLY_HUP =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * From here until the daemon runs, a SIGHUP is remembered and served (one reload) once it runs,
   * instead of ending the JVM (the signal's default action). The run command calls this first.
   */
  public static void catchEarlyHangups() {
    Signal.handle(
        new Signal("HUP"),
        s -> {
          log.info("SIGHUP during start-up: the reload runs once the daemon is running");
          EARLY_HUP.set(true);
        });
  }

  /** Whether a SIGHUP arrived during start-up (served once the daemon runs). */
  static boolean earlyHangupPending() {
    return EARLY_HUP.get();
  }

  /**
   * Runs until SIGTERM/SIGINT. Returns the exit code: 0 only when the shutdown finished its job
   * (priority 0 sent, every virtual address removed, hooks and mail given their deadline,
   * everything closed), {@link Shutdown#EXIT_UNCLEAN} with a log line naming what was left when
   * not; 1 when start-up failed. From the signal on, the process ends within {@link
   * Shutdown#HARD_DEADLINE} whatever hangs.
   */
  public int run(PrintWriter err) {
    Shutdown open = new Shutdown(); // steps run in reverse order, each bounded
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(signal),
          s -> {
            if (stop.getCount() > 0) {
              log.info(
                  "SIG{}: stopping (at most {} s)",
                  s.getName(),
                  Shutdown.HARD_DEADLINE.toSeconds());
              Shutdown.watchdog(Shutdown.HARD_DEADLINE, open);
            }
            stop.countDown();
          });
    }
    catchEarlyHangups();
    Config config = applier.config();
    int code;
    try {
      ScheduledExecutorService background =
          Executors.newScheduledThreadPool(
              1, r -> Thread.ofPlatform().daemon().name("agent-background").unstarted(r));
      open.add("background thread", background::shutdownNow);
      // What an earlier run (any configuration) left behind goes first; this run is recorded.
      AddressGuard guard = AddressGuard.start(new StateFile(stateFile));
      // Closed after every "first" step (the engine's last address removal among them).
      open.add("address table (rtnetlink socket)", guard);
      PacketSocketAnnouncer announcer = PacketSocketAnnouncer.open();
      open.add("announcer", announcer);
      // Virtual MACs before the engine, removed after it: a master's addresses are off them first.
      open.add("virtual MAC links", applier);
      applier.createVirtualMacs(guard);
      ProbeFactory probes = new ProbeFactory(1, config.limits().runningScripts());
      open.add("probes", probes);
      ExecutorTaskScheduler checkThread = ExecutorTaskScheduler.singleThread();
      open.add("check thread", checkThread);
      checks = new CheckScheduler(Ticker.SYSTEM, checkThread, config.node().hashCode(), true);
      open.add("checks", checks);
      ConfigApplier.addChecks(config, checks, probes);
      metrics.checks(checks);
      metrics.processRuns(probes.scriptRuns());
      metrics.processRuns(CommandRunner.runs());

      // Notifications close after the engine has stopped, so STOP events still reach hooks and
      // mail.
      NotificationPipeline notifications =
          new NotificationPipeline(config, report, metrics::processRuns, metrics::action);
      open.add(
          "notifications (hooks, mail, events)",
          Notifications.CLOSE_BUDGET.plusSeconds(1),
          () -> {
            notifications.close();
            return null;
          });
      events = notifications.events();
      metrics.notificationQueue(
          () -> {
            NotificationStats n = notifications.stats();
            return n.hookQueueDepth() + n.mailQueueDepth();
          });
      List<EngineListener> listeners = new ArrayList<>();
      listeners.add(new DropLog());
      listeners.add(metrics);
      // STATUS= lines leave from their own thread: sendto may block, the engine thread must not.
      SystemdStatusLine statusLine = new SystemdStatusLine(sd);
      open.add("systemd status line", statusLine);
      listeners.add(statusLine);
      listeners.add(notifications);
      listeners.addAll(extraListeners);
      engine = new Engine(guard.table(), announcer, new FanOutListener(listeners));
      EnginePriority.apply(engine, config.enginePriority());
      metrics.instances(engine::status);
      metrics.priorityOrderFiles(applier::priorityFiles);
      tracker = new PriorityTracker(config, checks::status, new EngineSink(engine));
      open.add("file watchers", applier::closeWatchers);
      open.add("transports", applier::closeTransports);
      open.addFirst(
          "priority 0 and address removal",
          SHUTDOWN_TIMEOUT.plusSeconds(2),
          () -> {
            sd.stopping();
            AddressReconciler rec = reconciler;
            if (rec != null) {
              rec.close(); // before the engine removes addresses: nothing may re-add them
            }
            String engineLeft =
                engine.shutdown(SHUTDOWN_TIMEOUT) ? null : "the engine did not stop in time";
            String addressesLeft = removeVirtualAddressesLeft(guard.table());
            return engineLeft == null && addressesLeft == null
                ? null
                : String.join(
                    "; ",
                    java.util.stream.Stream.of(engineLeft, addressesLeft)
                        .filter(Objects::nonNull)
                        .toList());
          });
      applier.start(
          new ConfigApplier.Parts(
              engine, checks, probes, tracker, metrics, notifications, background));
      checks.start();
      engine.start();
      // A master keeps its addresses and notices a duplicate (own thread; closed before the engine
      // stops).
      reconciler =
          new AddressReconciler(
              guard.table(),
              a -> applier.addressOwners().getOrDefault(a.address().address(), a.interfaceName()),
              new AddressReports(metrics, notifications::address));
      // closed by the engine's shutdown step, before the addresses go
      reconciler.start();

      ControlServer control =
          new ControlServer(this, metrics::scrape, consumer -> events.subscribe(consumer));
      open.addFirst(
          "control API",
          ControlServer.CLOSE_BUDGET,
          () -> {
            control.close();
            return null;
          });
      control.start(config.control());
      if (config.control().remote()) {
        log.warn(
            "control API listens on {} for other hosts (allow-remote: true): anyone who can reach it can demote,"
                + " promote and reload",
            HostPort.of(
                config.control().listen().orElseThrow().getAddress(),
                config.control().listen().orElseThrow().getPort()));
      }

      Signal.handle(
          new Signal("HUP"),
          s ->
              background.execute(
                  () -> {
                    ActionResult r = reload();
                    log.info("SIGHUP: {}", r.message());
                  }));
      if (EARLY_HUP.get()) {
        background.execute(
            () -> {
              ActionResult r = reload();
              log.info("SIGHUP (received during start-up): {}", r.message());
            });
      }
      log.info(
          "node {}: running {} instance(s) ({}), {} check(s)",
          config.node(),
          config.instances().size(),
          String.join(", ", config.instances().keySet()),
          config.checks().size());
      // READY once sockets are open and the first round of checks had its time to run.
      long firstRound =
          config.checks().values().stream().mapToLong(c -> c.interval().toMillis()).max().orElse(0);
      background.schedule(
          () -> sd.ready(SdNotify.describe(engine.status())), firstRound, TimeUnit.MILLISECONDS);
      sd.keepAlive(background, () -> !stopping());
      Rotator rot =
          new Rotator(
              applier::config,
              engine::status,
              tracker,
              notifications::rotation,
              java.time.Clock.systemDefaultZone());
      rotator = rot;
      background.scheduleWithFixedDelay(
          rot::tick, Rotator.TICK.toMillis(), Rotator.TICK.toMillis(), TimeUnit.MILLISECONDS);
      stop.await();
      code = 0;
    } catch (TransportException | IllegalArgumentException | IOException | UncheckedIOException e) {
      // The host refused something the configuration asks for (an interface, a socket, a file).
      err.println("vrrp-agent: could not start: " + e.getMessage());
      err.flush();
      log.debug("start-up failed", e);
      code = 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = 0;
    } catch (RuntimeException e) {
      // A bug: one line for the operator, the trace in the log.
      err.println("vrrp-agent: internal error while starting: " + e + " (see the log)");
      err.flush();
      log.error("internal error while starting", e);
      code = 1;
    }
    List<String> left =
        open.run(System.nanoTime() + Shutdown.HARD_DEADLINE.minusSeconds(1).toNanos());
    if (left.isEmpty()) {
      log.info("stopped: priority 0 sent, virtual addresses removed, notifications finished");
      return code;
    }
    log.error("stopped, but not cleanly; left undone: {}", String.join("; ", left));
    return code == 0 ? Shutdown.EXIT_UNCLEAN : code;
  }

  /**
   * After the engine stopped: any of our virtual addresses still on its interface (the engine's
   * removal did not finish, or failed) is removed here. Returns null when none is left, else which
   * may be.
   */
  private String removeVirtualAddressesLeft(org.vrrpagent.core.io.AddressTable table) {
    List<String> left = new ArrayList<>();
    for (InstanceConfig i : applier.config().instances().values()) {
      String link =
          i.virtualMac() ? VirtualMacLink.interfaceName(i.family(), i.vrid()) : i.interfaceName();
      List<org.vrrpagent.core.io.InterfaceAddress> ours =
          i.addresses().stream()
              .map(v -> new org.vrrpagent.core.io.InterfaceAddress(v.address(), v.prefixLength()))
              .toList();
      try {
        List<org.vrrpagent.core.io.InterfaceAddress> removed = table.removeLeftovers(link, ours);
        if (!removed.isEmpty()) {
          log.warn(
              "{}: removed virtual addresses still on {} after the engine stopped: {}",
              i.name(),
              link,
              removed);
        }
      } catch (RuntimeException e) {
        left.add(i.name() + " on " + link + " (" + e.getMessage() + ")");
      }
    }
    return left.isEmpty() ? null : "virtual addresses perhaps left: " + String.join(", ", left);
  }

  /** Asks the daemon to stop, as SIGTERM does. */
  public void stop() {
    stop.countDown();
  }

  private boolean stopping() {
    return stop.getCount() == 0;
  }

  // ------------------------------------------------------------------ control API backend

  /**
   * Re-reads the configuration file; a valid one is applied, an invalid one refused (the running
   * one stays).
   */
  @Override
  public ActionResult reload() {
    sd.reloading();
    try {
      return applier.reload();
    } finally {
      sd.ready(SdNotify.describe(engine.status()));
    }
  }

  /** Applies a validated configuration to the running daemon. */
  public ActionResult apply(Config next) {
    return applier.apply(next);
  }

  @Override
  public StatusSnapshot status() {
    return report.snapshot();
  }

  @Override
  public ActionResult demote(String instance, Demotion demotion) {
    InstanceConfig i = applier.config().instances().get(instance);
    if (i == null) {
      return ActionResult.unknownInstance(instance);
    }
    if (i.priority() == InstanceConfig.OWNER_PRIORITY) {
      return ActionResult.refused(
          instance
              + " is an address owner (priority 255): it cannot be demoted"
              + " (expected: an instance with a priority below 255)");
    }
    tracker.demote(instance, demotion);
    log.info("{}: demoted {} by the operator", instance, demotion.describe());
    return ActionResult.done(instance + ": demoted " + demotion.describe() + " by the operator");
  }

  @Override
  public ActionResult promote(String instance) {
    if (!applier.config().instances().containsKey(instance)) {
      return ActionResult.unknownInstance(instance);
    }
    if (!tracker.promote(instance)) {
      return ActionResult.done(instance + ": not demoted; nothing to lift");
    }
    log.info("{}: operator demotion lifted", instance);
    return ActionResult.done(instance + ": demotion lifted");
  }

  @Override
  public ActionResult rotate(String instance) {
    if (!applier.config().instances().containsKey(instance)) {
      return ActionResult.unknownInstance(instance);
    }
    Rotator r = rotator;
    if (r == null) {
      return ActionResult.refused(instance + ": the agent is still starting");
    }
    return r.rotateNow(instance);
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

  /**
   * Logs drops at debug level; the first of each reason at info so an operator sees it once. Every
   * call comes from the engine thread (drops found on a transport's thread too: the engine reports
   * them from its own), so the set needs no lock.
   */
  private static final class DropLog implements EngineListener {
    private final Set<DropReason> seen = java.util.EnumSet.noneOf(DropReason.class);

    @Override
    public void dropped(String router, DropReason reason, String detail) {
      String who = router == null ? "" : router + ": ";
      if (seen.add(reason)) {
        log.info(
            "{}dropped a packet ({}): {} (further drops of this kind are logged at debug level)",
            who,
            reason.label(),
            detail);
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
