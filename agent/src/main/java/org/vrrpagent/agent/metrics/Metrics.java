package org.vrrpagent.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.control.StatusSnapshot.PriorityFileStatus;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.checks.CheckMeters;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.CheckStatus;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.wire.DropReason;

/**
 * The agent's Prometheus metrics. It is an {@link EngineListener} (counters only: it never blocks,
 * never throws) and reads the rest (states, priorities, checks, transport drops, notification
 * queue) from suppliers when scraped, so every value is current at the scrape.
 *
 * <p>Metrics (Prometheus names):
 *
 * <ul>
 *   <li>{@code vrrp_instance_info{instance,protocol}}: 1; {@code protocol} is {@code vrrp} or
 *       {@code carp}. Every {@code vrrp_*} metric covers CARP instances too (docs/carp.md); join on
 *       {@code instance} to split them by protocol
 *   <li>{@code vrrp_state{instance}}: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT
 *   <li>{@code vrrp_priority_effective{instance}}
 *   <li>{@code vrrp_conflict{instance}}: peers in conflict with the instance now (the conflict
 *       alarm); 0 when none
 *   <li>{@code vrrp_transitions_total{instance,from,to}}
 *   <li>{@code vrrp_adverts_sent_total{instance}}, {@code vrrp_adverts_received_total{instance}}
 *   <li>{@code vrrp_rx_dropped_total{reason}}: the engine's and the transports' drops, every reason
 *       present from the start (zeros included)
 *   <li>{@code check_up{check}}, {@code check_runs_total{check,result}}, {@code
 *       check_duration_seconds_count/_sum{check}}, {@code check_late_results_total{check}}, {@code
 *       check_certificate_expiry_seconds{check}} (the checks module's {@link CheckMeters})
 *   <li>{@code vrrp_priority_order_file_ok{file}}: 0 while a file's last read failed
 *   <li>{@code vrrp_notify_queue_depth}
 *   <li>{@code vrrp_action_runs_total{instance,action,result}}: DNS actions (dns-update, zone-file)
 *       by outcome
 *   <li>{@code vrrp_address_readded_total{instance}}: virtual addresses something else removed
 *       while we were MASTER, added again; {@code vrrp_address_duplicate{instance}}: 1 while
 *       another MAC answers for one of its addresses; {@code
 *       vrrp_address_duplicates_total{instance}}: such episodes
 * </ul>
 */
public final class Metrics implements EngineListener {
  private static final Logger log = LoggerFactory.getLogger(Metrics.class);

  private final PrometheusMeterRegistry registry;

  private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> priorities = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> conflicts = new ConcurrentHashMap<>();
  private final Map<String, String> infos = new ConcurrentHashMap<>();
  private final Map<Transition, Counter> transitions = new ConcurrentHashMap<>();
  private final Map<String, Counter> advertsSent = new ConcurrentHashMap<>();
  private final Map<String, Counter> advertsReceived = new ConcurrentHashMap<>();
  private final Map<String, Counter> addressesReadded = new ConcurrentHashMap<>();
  private final Map<String, Counter> duplicateEpisodes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> duplicateNow = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> engineDrops = new ConcurrentHashMap<>();
  private final List<TransportDrops> transportDrops = new CopyOnWriteArrayList<>();

  /** Gauges and function meters per instance or check, removed when it leaves the configuration. */
  private final Map<String, List<io.micrometer.core.instrument.Meter>> instanceMeters =
      new ConcurrentHashMap<>();

  private final Map<String, List<io.micrometer.core.instrument.Meter>> checkMeters =
      new ConcurrentHashMap<>();
  private final Map<String, Boolean> priorityFiles = new ConcurrentHashMap<>();
  private final Map<String, ProcessGroupRunner> processRunners = new ConcurrentHashMap<>();

  private volatile Supplier<List<RouterStatus>> instanceSource = List::of;
  private volatile Supplier<List<PriorityFileStatus>> priorityFileSource = List::of;

  private record Transition(String instance, VrrpState from, VrrpState to) {}

  public Metrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Set<String> labels = new LinkedHashSet<>();
    for (DropReason r : DropReason.values()) {
      labels.add(r.label());
    }
    for (TransportDrops.Reason r : TransportDrops.Reason.values()) {
      labels.add(r.label());
    }
    for (String label : labels) {
      LongAdder adder = engineDrops.computeIfAbsent(label, l -> new LongAdder());
      FunctionCounter.builder("vrrp.rx.dropped", this, m -> m.dropped(label))
          .description("Received packets dropped, by reason")
          .tag("reason", label)
          .register(registry);
    }
  }

  /** The registry, for anything else that wants to register meters. */
  public MeterRegistry registry() {
    return registry;
  }

  // ------------------------------------------------------------------ sources the daemon connects

  /**
   * Instance states and effective priorities, read at each scrape (e.g. {@code engine::status}).
   */
  public void instances(Supplier<List<RouterStatus>> source) {
    this.instanceSource = source;
  }

  /**
   * The checks' meters ({@code check_up}, {@code check_runs_total}, {@code check_duration_seconds},
   * {@code check_late_results_total}, {@code check_certificate_expiry_seconds}), registered by the
   * checks module's {@link CheckMeters} from the scheduler's live counters. Call again after a
   * reload: the previous checks' meters are removed first, so removed checks leave the scrape.
   */
  public synchronized void checks(CheckScheduler scheduler) {
    checkMeters.values().forEach(meters -> meters.forEach(registry::remove));
    checkMeters.clear();
    for (CheckStatus status : scheduler.statuses()) {
      checkMeters.put(status.name(), CheckMeters.register(registry, scheduler, status.name()));
    }
  }

  /** The priority-order files, read at each scrape. */
  public void priorityOrderFiles(Supplier<List<PriorityFileStatus>> source) {
    this.priorityFileSource = source;
  }

  /**
   * A transport's drop counters (call once per transport); summed into {@code
   * vrrp_rx_dropped_total}.
   */
  public void transportDrops(TransportDrops drops) {
    transportDrops.add(drops);
  }

  /**
   * A process-group runner's runs ({@code kind}: {@code hook}, {@code script}, {@code command}):
   * live now and its limit, started, refused at the limit, timed out, and runs whose program left
   * processes in its group that were then terminated. Call again with a new runner of the same kind
   * (after a reload) to read that one instead.
   */
  public void processRuns(ProcessGroupRunner runner) {
    String kind = runner.kind();
    if (processRunners.put(kind, runner) != null) {
      return; // meters exist; they now read the new runner
    }
    Gauge.builder("vrrp.process.runs.live", () -> processRunners.get(kind).stats().live())
        .description("External programs running now (hooks, script checks, ip commands), by kind")
        .tag("kind", kind)
        .register(registry);
    Gauge.builder("vrrp.process.runs.limit", () -> processRunners.get(kind).maxLive())
        .description("Most runs live at once, by kind; past it a run is refused")
        .tag("kind", kind)
        .register(registry);
    FunctionCounter.builder(
            "vrrp.process.runs", this, m -> m.processRunners.get(kind).stats().started())
        .description("External programs started, by kind")
        .tag("kind", kind)
        .register(registry);
    FunctionCounter.builder(
            "vrrp.process.runs.refused", this, m -> m.processRunners.get(kind).stats().refused())
        .description("Runs refused because the limit of live runs was reached")
        .tag("kind", kind)
        .register(registry);
    FunctionCounter.builder(
            "vrrp.process.runs.timed.out", this, m -> m.processRunners.get(kind).stats().timedOut())
        .description("Runs whose process group was killed at the deadline")
        .tag("kind", kind)
        .register(registry);
    FunctionCounter.builder(
            "vrrp.process.leftovers.killed",
            this,
            m -> m.processRunners.get(kind).stats().leftoversKilled())
        .description(
            "Runs that exited leaving processes in their group, which were then terminated")
        .tag("kind", kind)
        .register(registry);
  }

  /** The notification queue's current length. */
  public void notificationQueue(IntSupplier depth) {
    Gauge.builder("vrrp.notify.queue.depth", depth, d -> d.getAsInt())
        .description("Notifications waiting to be sent")
        .strongReference(true)
        .register(registry);
  }

  // ------------------------------------------------------------------ EngineListener (engine
  // thread)

  @Override
  public void stateChanged(String router, Action.StateChanged change) {
    addressMeters(router); // present (zero) from an instance's first transition on
    transitions
        .computeIfAbsent(
            new Transition(router, change.from(), change.to()),
            t ->
                Counter.builder("vrrp.transitions")
                    .description("State changes")
                    .tag("instance", t.instance())
                    .tag("from", t.from().name())
                    .tag("to", t.to().name())
                    .register(registry))
        .increment();
    state(router).set(stateValue(change.to()));
    priority(router).set(change.priority());
    conflict(router); // present (0) from the first state change
  }

  @Override
  public void advertSent(String router, int priority) {
    Counter c = advertsSent.get(router); // no lambda per advert once the counter exists
    if (c != null) {
      c.increment();
      return;
    }
    advertsSent
        .computeIfAbsent(
            router,
            r ->
                Counter.builder("vrrp.adverts.sent")
                    .description("Advertisements sent")
                    .tag("instance", r)
                    .register(registry))
        .increment();
  }

  @Override
  public void advertReceived(String router) {
    Counter c = advertsReceived.get(router);
    if (c != null) {
      c.increment();
      return;
    }
    advertsReceived
        .computeIfAbsent(
            router,
            r ->
                Counter.builder("vrrp.adverts.received")
                    .description("Advertisements accepted")
                    .tag("instance", r)
                    .register(registry))
        .increment();
  }

  @Override
  public void conflictRaised(String router, PeerConflict conflict) {
    conflict(router).incrementAndGet();
  }

  @Override
  public void conflictCleared(String router, PeerConflict conflict) {
    conflict(router).updateAndGet(n -> Math.max(0, n - 1));
  }

  @Override
  public void dropped(String router, DropReason reason, String detail) {
    engineDrops.computeIfAbsent(reason.label(), l -> new LongAdder()).increment();
  }

  /**
   * Something else removed one of {@code instance}'s addresses while MASTER; we added it again. Any
   * thread.
   */
  public void addressReadded(String instance) {
    addressMeters(instance);
    addressesReadded.get(instance).increment();
  }

  /**
   * A DNS action ended: {@code vrrp_action_runs_total{instance,action,result}} (result: changed,
   * unchanged, failed, restored, superseded). Any thread.
   */
  public void action(org.vrrpagent.agent.notify.ActionEvent e) {
    Counter.builder("vrrp.action.runs")
        .description("DNS actions run after a change of master, by outcome")
        .tag("instance", e.name())
        .tag("action", e.action())
        .tag("result", e.result().label())
        .register(registry)
        .increment();
  }

  /** The duplicate-address alarm of {@code instance} was raised or cleared. Any thread. */
  public void addressDuplicate(String instance, boolean raised) {
    addressMeters(instance);
    duplicateNow.get(instance).set(raised ? 1 : 0);
    if (raised) {
      duplicateEpisodes.get(instance).increment();
    }
  }

  private void addressMeters(String instance) {
    addressesReadded.computeIfAbsent(
        instance,
        i ->
            Counter.builder("vrrp.address.readded")
                .description(
                    "Virtual addresses removed by something else while MASTER, added again")
                .tag("instance", i)
                .register(registry));
    duplicateEpisodes.computeIfAbsent(
        instance,
        i ->
            Counter.builder("vrrp.address.duplicates")
                .description(
                    "Duplicate-address episodes: another MAC answered for a virtual address we held")
                .tag("instance", i)
                .register(registry));
    duplicateNow.computeIfAbsent(
        instance,
        i -> {
          AtomicInteger v = new AtomicInteger();
          Gauge.builder("vrrp.address.duplicate", v, AtomicInteger::get)
              .description(
                  "1 while another MAC answers for one of the instance's virtual addresses")
              .tag("instance", i)
              .register(registry);
          return v;
        });
  }

  // ------------------------------------------------------------------ scrape

  /** The Prometheus text exposition, with every supplier read now. */
  public String scrape() {
    refresh();
    return registry.scrape();
  }

  private void refresh() {
    try {
      List<RouterStatus> now = instanceSource.get();
      if (!now.isEmpty()) {
        Set<String> names = new java.util.HashSet<>();
        for (RouterStatus s : now) {
          names.add(s.name());
          state(s.name()).set(stateValue(s.state()));
          priority(s.name()).set(s.effectivePriority());
          conflict(s.name()).set(s.conflicts().size());
          info(s.name(), s.protocol());
        }
        // An instance removed by a reload: its gauges go (its counters stay until restart).
        for (String gone : List.copyOf(instanceMeters.keySet())) {
          if (!names.contains(gone)) {
            instanceMeters.remove(gone).forEach(registry::remove);
            states.remove(gone);
            priorities.remove(gone);
            conflicts.remove(gone);
            infos.remove(gone);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("metrics: reading instance states failed: {}", e.toString());
    }
    try {
      for (PriorityFileStatus f : priorityFileSource.get()) {
        if (priorityFiles.put(f.path(), f.ok()) == null) {
          Gauge.builder(
                  "vrrp.priority.order.file.ok",
                  priorityFiles,
                  m -> Boolean.TRUE.equals(m.get(f.path())) ? 1 : 0)
              .description("1 when the priority-order file's last read succeeded")
              .tag("file", f.path())
              .register(registry);
        }
      }
    } catch (RuntimeException e) {
      log.warn("metrics: reading priority-order files failed: {}", e.toString());
    }
  }

  private double dropped(String label) {
    long n = engineDrops.get(label).sum();
    for (TransportDrops d : transportDrops) {
      for (TransportDrops.Reason r : TransportDrops.Reason.values()) {
        if (r.label().equals(label)) {
          n += d.count(r);
        }
      }
    }
    return n;
  }

  /** {@code vrrp_instance_info{instance,protocol}} 1: which protocol each instance speaks. */
  private void info(String instance, String protocol) {
    infos.computeIfAbsent(
        instance,
        i -> {
          instanceMeter(
              i,
              Gauge.builder("vrrp.instance.info", () -> 1)
                  .description(
                      "1 for each instance; its protocol label says vrrp or carp (join on instance)")
                  .tag("instance", i)
                  .tag("protocol", protocol)
                  .register(registry));
          return protocol;
        });
  }

  private AtomicInteger state(String instance) {
    return instanceGauge(states, instance, "vrrp.state", "0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT");
  }

  /**
   * An instance's integer gauge {@code name}, registered on its first use (and removed with the
   * instance's other meters).
   */
  private AtomicInteger instanceGauge(
      Map<String, AtomicInteger> gauges, String instance, String name, String description) {
    return gauges.computeIfAbsent(
        instance,
        i -> {
          AtomicInteger v = new AtomicInteger();
          instanceMeter(
              i,
              Gauge.builder(name, v, AtomicInteger::get)
                  .description(description)
                  .tag("instance", i)
                  .register(registry));
          return v;
        });
  }

  private void instanceMeter(String instance, io.micrometer.core.instrument.Meter meter) {
    instanceMeters.computeIfAbsent(instance, i -> new CopyOnWriteArrayList<>()).add(meter);
  }

  private AtomicInteger priority(String instance) {
    return instanceGauge(
        priorities,
        instance,
        "vrrp.priority.effective",
        "The priority the instance advertises now");
  }

  private AtomicInteger conflict(String instance) {
    return instanceGauge(
        conflicts,
        instance,
        "vrrp.conflict",
        "Peers in conflict with the instance now: they claim its VRID but their adverts are dropped");
  }

  /** The {@code vrrp_state} value of a state. */
  public static int stateValue(VrrpState state) {
    return switch (state) {
      case INIT -> 0;
      case BACKUP -> 1;
      case MASTER -> 2;
      case FAULT -> 3;
    };
  }

  /** Meter names, for documentation tests. */
  static List<String> names() {
    return new ArrayList<>(
        List.of(
            "vrrp_instance_info",
            "vrrp_state",
            "vrrp_priority_effective",
            "vrrp_conflict",
            "vrrp_transitions_total",
            "vrrp_adverts_sent_total",
            "vrrp_adverts_received_total",
            "vrrp_rx_dropped_total",
            "check_up",
            "check_runs_total",
            "check_duration_seconds",
            "check_late_results_total",
            "check_certificate_expiry_seconds",
            "vrrp_priority_order_file_ok",
            "vrrp_notify_queue_depth",
            "vrrp_process_runs_live",
            "vrrp_process_runs_limit",
            "vrrp_process_runs_total",
            "vrrp_process_runs_refused_total",
            "vrrp_process_runs_timed_out_total",
            "vrrp_process_leftovers_killed_total",
            "vrrp_address_readded_total",
            "vrrp_address_duplicate",
            "vrrp_address_duplicates_total"));
  }
}
