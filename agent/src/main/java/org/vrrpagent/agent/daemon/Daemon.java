package org.vrrpagent.agent.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.CheckConfig;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.PriorityOrderConfig;
import org.vrrpagent.agent.config.ProbeConfig;
import org.vrrpagent.agent.priority.DelayScheduler;
import org.vrrpagent.agent.priority.PriorityOrderReloader;
import org.vrrpagent.agent.priority.PriorityOrderState;
import org.vrrpagent.agent.priority.PriorityOrderWatcher;
import org.vrrpagent.agent.priority.RankedPriority;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.ExecutorTaskScheduler;
import org.vrrpagent.checks.Ticker;
import org.vrrpagent.checks.probe.FileChangeTrigger;
import org.vrrpagent.checks.probe.ProbeFactory;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.io.Transport;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.linux.IpAddressTable;
import org.vrrpagent.core.linux.PacketSocketAnnouncer;
import org.vrrpagent.core.linux.RawSocketTransport;
import sun.misc.Signal;

/**
 * The running daemon: health checks, priority-order files and the VRRP engine, wired. On
 * SIGTERM or SIGINT it stops cleanly (a master sends priority 0 and removes its addresses) and
 * exits 0.
 *
 * <p>Start-up order: checks are created (not run), priority-order files read, the effective
 * priorities computed, the transports opened and the routers built with those priorities,
 * then the checks and the engine start. Every later change in a check, a file or an operator
 * command reaches the engine at once through the {@link PriorityTracker}.
 */
public final class Daemon {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  /** How long shutdown may take before we give up on a clean exit. */
  public static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);

  private final Config config;
  private final List<EngineListener> extraListeners;
  private final CountDownLatch stop = new CountDownLatch(1);

  public Daemon(Config config) {
    this(config, List.of());
  }

  public Daemon(Config config, List<EngineListener> extraListeners) {
    this.config = config;
    this.extraListeners = List.copyOf(extraListeners);
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
      PacketSocketAnnouncer announcer = PacketSocketAnnouncer.open();
      open.add(announcer);
      ProbeFactory probes = new ProbeFactory();
      open.add(probes);
      ExecutorTaskScheduler checkThread = ExecutorTaskScheduler.singleThread();
      open.add(checkThread);
      CheckScheduler checks = new CheckScheduler(Ticker.SYSTEM, checkThread, config.node().hashCode(), true);
      open.add(checks);
      for (CheckSpec spec : CheckSpecs.of(config.checks().values())) {
        checks.add(spec, probes.create(spec.probe()));
      }

      List<EngineListener> listeners = new ArrayList<>();
      listeners.add(new DropLog());
      listeners.addAll(extraListeners);
      Engine engine = new Engine(new IpAddressTable(), announcer, new FanOutListener(listeners));
      PriorityTracker tracker = new PriorityTracker(config, checks::status, new PriorityTracker.Sink() {
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
      });
      open.addAll(watchPriorityOrderFiles(tracker));

      Map<String, PriorityTracker.Explained> preview = tracker.preview();
      Map<String, Integer> priorities = new LinkedHashMap<>();
      preview.forEach((name, e) -> priorities.put(name, e.effective()));
      Map<EngineAssembly.TransportKey, Transport> transports =
          EngineAssembly.assemble(config, engine, Daemon::open, priorities);
      open.add(() -> transports.values().forEach(Transport::close));
      open.add(() -> {
        if (!engine.shutdown(SHUTDOWN_TIMEOUT)) {
          log.error("stopped, but not cleanly: see above");
        }
      });
      tracker.initial().forEach((name, e) -> {
        if (e.fault()) {
          engine.faultRaised(name, e.faultReason());
        }
        if (e.effective() != preview.get(name).effective()) {
          engine.priorityChanged(name, e.effective());
        }
      });
      checks.addListener(tracker);
      open.addAll(watchFileChecks(checks));
      checks.start();
      engine.start();
      log.info("node {}: running {} instance(s) ({}), {} check(s)", config.node(), config.instances().size(),
          String.join(", ", config.instances().keySet()), config.checks().size());
      stop.await();
      return 0;
    } catch (TransportException | IllegalArgumentException | IOException e) {
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

  /** One reloader and watcher per file; each instance ranked from it. */
  private List<AutoCloseable> watchPriorityOrderFiles(PriorityTracker tracker) throws IOException {
    Map<Path, List<InstanceConfig>> byFile = new LinkedHashMap<>();
    for (InstanceConfig i : config.instances().values()) {
      i.priorityOrder().ifPresent(p -> byFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(i));
    }
    List<AutoCloseable> out = new ArrayList<>();
    if (byFile.isEmpty()) {
      return out;
    }
    ScheduledExecutorService debounce = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("priority-order-debounce").unstarted(r));
    out.add(debounce::shutdownNow);
    for (Map.Entry<Path, List<InstanceConfig>> e : byFile.entrySet()) {
      List<InstanceConfig> instances = e.getValue();
      PriorityOrderReloader reloader = new PriorityOrderReloader(e.getKey(), DelayScheduler.of(debounce),
          (PriorityOrderState state) -> {
            for (InstanceConfig i : instances) {
              PriorityOrderConfig poc = i.priorityOrder().orElseThrow();
              tracker.rankChanged(i.name(), RankedPriority.of(state.orderOrNull(), config.node(), poc));
            }
          });
      out.add(PriorityOrderWatcher.start(reloader));
    }
    return out;
  }

  /** File checks are re-read as soon as their file changes, not only at their interval. */
  private List<AutoCloseable> watchFileChecks(CheckScheduler checks) throws IOException {
    List<AutoCloseable> out = new ArrayList<>();
    FileChangeTrigger trigger = null;
    for (CheckConfig c : config.checks().values()) {
      if (c.probe() instanceof ProbeConfig.File f) {
        if (trigger == null) {
          trigger = new FileChangeTrigger(checks);
          out.add(trigger);
        }
        trigger.watch(c.name(), f.path());
      }
    }
    return out;
  }

  private static Transport open(EngineAssembly.TransportKey key, Engine engine) {
    RawSocketTransport.Options options = new RawSocketTransport.Options(
        key.interfaceName(), key.family(), key.source().orElse(null), key.unicastPeers());
    return RawSocketTransport.open(options, packet -> engine.receive(key, packet));
  }

  /** Logs drops at debug level; the first of each reason at info so an operator sees it once. */
  private static final class DropLog implements EngineListener {
    private final java.util.Set<org.vrrpagent.core.wire.DropReason> seen =
        java.util.EnumSet.noneOf(org.vrrpagent.core.wire.DropReason.class);

    @Override
    public void dropped(String router, org.vrrpagent.core.wire.DropReason reason, String detail) {
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
