package org.vrrpagent.agent.demo;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.VirtualAddress;
import org.vrrpagent.agent.daemon.PriorityTracker;
import org.vrrpagent.agent.priority.PriorityOrder;
import org.vrrpagent.agent.priority.RankedPriority;
import org.vrrpagent.checks.CheckCounters;
import org.vrrpagent.checks.CheckStatus;
import org.vrrpagent.checks.CheckTransition;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.core.engine.AnnounceSchedule;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.ReceivePolicy;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.sim.SimulatedHost;
import org.vrrpagent.core.sim.SimulatedLan;
import org.vrrpagent.core.wire.AuthType;

/**
 * The demo on the simulated LAN, for machines where the real lab cannot run (not root, not Linux).
 * What is real: each host's configuration (the lab's YAML, parsed by the same loader), the agent's
 * priority tracking ({@link PriorityTracker}: ranks from the priority-order file, the check's
 * weight, the operator's demotion) and the production VRRP engine with its codec, timers and
 * address handling. What is simulated: the network and the clock ({@link SimulatedLan}, virtual
 * time), and each host's web server and its {@code http} check, which gives a result every 500 ms
 * of virtual time as the real one would.
 */
public final class SimulatedDemoNetwork implements DemoNetwork {
  /** The simulation is seeded: every run is the same. */
  static final long SEED = 5798;

  static final Path ORDER_FILE = Path.of("/run/vrrp-agent-demo/priority-order");

  /** The file watcher's settling time before a change of the priority-order file takes effect. */
  static final Duration FILE_SETTLE = Duration.ofMillis(50);

  /**
   * The demotion {@code vrrp-agent demote NAME} (to backup) applies: the daemon's, for priority 1.
   */
  private final SimulatedLan lan = new SimulatedLan(SEED);

  private final boolean realTimePacing;
  private final Map<String, SimHost> hosts = new LinkedHashMap<>();
  private final InetAddress vip = InetAddress.ofLiteral(ADDRESS);

  /** One host: its configuration, its tracker, its engine on the LAN, its web server and check. */
  private final class SimHost {
    final String name;
    final Config config;
    final InstanceConfig instance;
    final PriorityTracker tracker;
    final SimulatedHost host;
    final CheckCounters counters = new CheckCounters();
    final long checkIntervalNanos;
    boolean serviceUp = true;
    CheckStatus check;

    SimHost(String name) {
      this.name = name;
      try {
        this.config =
            org.vrrpagent.agent.config.ConfigLoader.parse(
                name + ".yaml",
                DemoConfig.yaml(
                    name, ORDER_FILE, Path.of("/run/vrrp-agent-demo/" + name + ".sock")));
      } catch (ConfigException e) {
        throw new IllegalStateException(
            "the demo's configuration of " + name + " is invalid: " + e.getMessage(), e);
      }
      this.instance = config.instances().get(INSTANCE);
      this.checkIntervalNanos = config.checks().get(CHECK).interval().toNanos();
      this.check =
          new CheckStatus(
              CHECK,
              "http http://127.0.0.1:" + DemoConfig.SERVICE_PORT + "/ (simulated)",
              false,
              0,
              Optional.empty(),
              counters); // initial: down, as configured by default
      this.tracker =
          new PriorityTracker(
              config,
              c -> c.equals(CHECK) ? Optional.of(check) : Optional.empty(),
              new PriorityTracker.Sink() {
                @Override
                public void priorityChanged(String instance, int effectivePriority) {
                  host.priority(instance, effectivePriority);
                }

                @Override
                public void faultRaised(String instance, String reason) {
                  host.fault(instance, reason);
                }

                @Override
                public void faultCleared(String instance) {
                  host.clearFault(instance);
                }
              });
      tracker.rankChanged(INSTANCE, rank(HOSTS));
      PriorityTracker.Explained start = tracker.preview().get(INSTANCE);
      this.host = lan.addHost(name);
      host.announce(
          new AnnounceSchedule(
              instance.garp().delay(), instance.garp().repeat(), instance.garp().refresh()));
      host.addRouter(routerConfig(start.base()));
      if (start.effective() != start.base()) {
        host.priority(INSTANCE, start.effective());
      }
    }

    /**
     * As the daemon builds its router from the instance (EngineAssembly), with this host's lab
     * address.
     */
    RouterConfig routerConfig(int basePriority) {
      InstanceConfig i = instance;
      return new RouterConfig(
          i.name(),
          i.version(),
          i.family(),
          i.vrid(),
          basePriority,
          i.advertIntervalCentis(),
          i.preempt(),
          i.preemptDelay().toNanos(),
          i.fastPreempt(),
          i.addresses().stream().map(VirtualAddress::address).toList(),
          InetAddress.ofLiteral(DemoConfig.hostAddress(name)),
          AuthType.NONE,
          new byte[0],
          i.resignBelow().orElse(0),
          ReceivePolicy.DEFAULT);
    }

    RankedPriority rank(List<String> order) {
      return RankedPriority.of(
          new PriorityOrder(order), name, instance.priorityOrder().orElseThrow());
    }

    /** One run of the http check: up while the web server runs (rise 1, fall 1, as configured). */
    void runCheck() {
      ProbeResult r =
          serviceUp
              ? ProbeResult.up("HTTP 200", 1_000_000)
              : ProbeResult.down(
                  "HTTP connect 127.0.0.1:" + DemoConfig.SERVICE_PORT + ": connection refused",
                  200_000);
      boolean was = check.up();
      check = new CheckStatus(CHECK, check.probe(), r.isUp(), 0, Optional.of(r), counters);
      if (was != r.isUp()) {
        tracker.onTransition(new CheckTransition(CHECK, r.isUp(), r));
      }
      lan.at(lan.now() + checkIntervalNanos, this::runCheck);
    }
  }

  /**
   * @param realTimePacing let virtual time pass no faster than real time (on a terminal, so the
   *     live table can be watched); otherwise the scenario runs as fast as it computes
   */
  public SimulatedDemoNetwork(boolean realTimePacing) {
    this.realTimePacing = realTimePacing;
  }

  @Override
  public String describe() {
    return "a SIMULATION on the simulated LAN (3 hosts; the production VRRP engine and priority tracking,"
        + " virtual time and network)";
  }

  @Override
  public boolean simulated() {
    return true;
  }

  @Override
  public void build() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(
        ch.qos.logback.classic.Level
            .WARN); // the table tells the story; the engine's log lines would repeat it
    for (String h : HOSTS) {
      hosts.put(h, new SimHost(h));
    }
  }

  @Override
  public String built() {
    return "Simulated hosts h1, h2, h3 (198.18.0.11-13), each running the configuration the real lab uses.";
  }

  @Override
  public void startAgents() {
    long i = 0;
    for (SimHost h : hosts.values()) {
      h.host.start();
      h.tracker.initial();
      // The checks of the three hosts do not run in lock step.
      lan.at(lan.now() + (++i) * h.checkIntervalNanos / 4, h::runCheck);
    }
  }

  @Override
  public void stopService(String host) {
    hosts.get(host).serviceUp = false;
  }

  @Override
  public void startService(String host) {
    hosts.get(host).serviceUp = true;
  }

  @Override
  public void writeOrder(List<String> order) {
    lan.at(
        lan.now() + FILE_SETTLE.toNanos(),
        () -> {
          for (SimHost h : hosts.values()) {
            h.tracker.rankChanged(INSTANCE, h.rank(order));
          }
        });
  }

  @Override
  public void demote(String host) {
    hosts.get(host).tracker.demote(INSTANCE, new org.vrrpagent.agent.control.Demotion.ToBackup());
  }

  @Override
  public void promote(String host) {
    hosts.get(host).tracker.promote(INSTANCE);
  }

  @Override
  public List<HostView> view() {
    List<HostView> view = new ArrayList<>();
    for (SimHost h : hosts.values()) {
      RouterStatus r = h.host.router(INSTANCE);
      PriorityTracker.Explained e = h.tracker.explain().get(INSTANCE);
      List<String> why = new ArrayList<>();
      if (e != null) {
        // As the daemon's /status lists them.
        why.add(e.baseReason());
        why.addAll(e.contributions());
      }
      view.add(
          new HostView(
              h.name,
              r.state().name(),
              r.effectivePriority(),
              String.join(", ", why),
              h.host.heldAddresses().contains(vip)));
    }
    return view;
  }

  @Override
  public long nanoTime() {
    return lan.now();
  }

  @Override
  public void pause(Duration d) {
    lan.runFor(d.toNanos());
    if (realTimePacing) {
      try {
        Thread.sleep(d);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public String diagnostics() {
    return lan.story();
  }

  @Override
  public String finish(boolean keep) {
    return keep ? "(--keep: a simulation leaves nothing to keep.)" : "";
  }

  @Override
  public void close() {
    // Nothing outside this JVM: the simulated LAN is garbage once unreferenced.
  }
}
