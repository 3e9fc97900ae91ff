package org.vrrpagent.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.control.StatusSnapshot.CheckSnapshot;
import org.vrrpagent.agent.control.StatusSnapshot.PriorityFileStatus;
import org.vrrpagent.checks.CheckCounters;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.wire.DropReason;

/**
 * The agent's Prometheus metrics. It is an {@link EngineListener} (counters only: it never
 * blocks, never throws) and reads the rest (states, priorities, checks, transport drops,
 * notification queue) from suppliers when scraped, so every value is current at the scrape.
 *
 * <p>Metrics (Prometheus names):
 * <ul>
 *   <li>{@code vrrp_state{instance}}: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT
 *   <li>{@code vrrp_priority_effective{instance}}
 *   <li>{@code vrrp_transitions_total{instance,from,to}}
 *   <li>{@code vrrp_adverts_sent_total{instance}}, {@code vrrp_adverts_received_total{instance}}
 *   <li>{@code vrrp_rx_dropped_total{reason}}: the engine's and the transports' drops, every
 *       reason present from the start (zeros included)
 *   <li>{@code check_up{check}}, {@code check_runs_total{check,result}},
 *       {@code check_duration_seconds_count/_sum{check}}
 *   <li>{@code vrrp_priority_order_file_ok{file}}: 0 while a file's last read failed
 *   <li>{@code vrrp_notify_queue_depth}
 * </ul>
 */
public final class Metrics implements EngineListener {
  private static final Logger log = LoggerFactory.getLogger(Metrics.class);

  private final PrometheusMeterRegistry registry;

  private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> priorities = new ConcurrentHashMap<>();
  private final Map<Transition, Counter> transitions = new ConcurrentHashMap<>();
  private final Map<String, Counter> advertsSent = new ConcurrentHashMap<>();
  private final Map<String, Counter> advertsReceived = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> engineDrops = new ConcurrentHashMap<>();
  private final List<TransportDrops> transportDrops = new CopyOnWriteArrayList<>();
  private final Map<String, CheckSnapshot> checks = new ConcurrentHashMap<>();
  /** Gauges and function meters per instance or check, removed when it leaves the configuration. */
  private final Map<String, List<io.micrometer.core.instrument.Meter>> instanceMeters = new ConcurrentHashMap<>();
  private final Map<String, List<io.micrometer.core.instrument.Meter>> checkMeters = new ConcurrentHashMap<>();
  private final Map<String, Boolean> priorityFiles = new ConcurrentHashMap<>();

  private volatile Supplier<List<RouterStatus>> instanceSource = List::of;
  private volatile Supplier<List<CheckSnapshot>> checkSource = List::of;
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

  /** Instance states and effective priorities, read at each scrape (e.g. {@code engine::status}). */
  public void instances(Supplier<List<RouterStatus>> source) {
    this.instanceSource = source;
  }

  /** The checks, read at each scrape. */
  public void checks(Supplier<List<CheckSnapshot>> source) {
    this.checkSource = source;
  }

  /** The priority-order files, read at each scrape. */
  public void priorityOrderFiles(Supplier<List<PriorityFileStatus>> source) {
    this.priorityFileSource = source;
  }

  /** A transport's drop counters (call once per transport); summed into {@code vrrp_rx_dropped_total}. */
  public void transportDrops(TransportDrops drops) {
    transportDrops.add(drops);
  }

  /** The notification queue's current length. */
  public void notificationQueue(IntSupplier depth) {
    Gauge.builder("vrrp.notify.queue.depth", depth, d -> d.getAsInt())
        .description("Notifications waiting to be sent")
        .strongReference(true)
        .register(registry);
  }

  // ------------------------------------------------------------------ EngineListener (engine thread)

  @Override
  public void stateChanged(String router, Action.StateChanged change) {
    transitions.computeIfAbsent(new Transition(router, change.from(), change.to()),
        t -> Counter.builder("vrrp.transitions")
            .description("State changes")
            .tag("instance", t.instance())
            .tag("from", t.from().name())
            .tag("to", t.to().name())
            .register(registry))
        .increment();
    state(router).set(stateValue(change.to()));
    priority(router).set(change.priority());
  }

  @Override
  public void advertSent(String router, int priority) {
    advertsSent.computeIfAbsent(router, r -> Counter.builder("vrrp.adverts.sent")
        .description("Advertisements sent").tag("instance", r).register(registry)).increment();
  }

  @Override
  public void advertReceived(String router) {
    advertsReceived.computeIfAbsent(router, r -> Counter.builder("vrrp.adverts.received")
        .description("Advertisements accepted").tag("instance", r).register(registry)).increment();
  }

  @Override
  public void dropped(String router, DropReason reason, String detail) {
    engineDrops.computeIfAbsent(reason.label(), l -> new LongAdder()).increment();
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
        }
        // An instance removed by a reload: its gauges go (its counters stay until restart).
        for (String gone : List.copyOf(instanceMeters.keySet())) {
          if (!names.contains(gone)) {
            instanceMeters.remove(gone).forEach(registry::remove);
            states.remove(gone);
            priorities.remove(gone);
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("metrics: reading instance states failed: {}", e.toString());
    }
    try {
      List<CheckSnapshot> now = checkSource.get();
      Set<String> names = new java.util.HashSet<>();
      for (CheckSnapshot c : now) {
        names.add(c.name());
        if (checks.put(c.name(), c) == null) {
          registerCheck(c);
        }
      }
      for (String gone : List.copyOf(checkMeters.keySet())) {
        if (!names.contains(gone)) {
          checkMeters.remove(gone).forEach(registry::remove);
          checks.remove(gone);
        }
      }
    } catch (RuntimeException e) {
      log.warn("metrics: reading checks failed: {}", e.toString());
    }
    try {
      for (PriorityFileStatus f : priorityFileSource.get()) {
        if (priorityFiles.put(f.path(), f.ok()) == null) {
          Gauge.builder("vrrp.priority.order.file.ok", priorityFiles, m -> Boolean.TRUE.equals(m.get(f.path())) ? 1 : 0)
              .description("1 when the priority-order file's last read succeeded")
              .tag("file", f.path())
              .register(registry);
        }
      }
    } catch (RuntimeException e) {
      log.warn("metrics: reading priority-order files failed: {}", e.toString());
    }
  }

  private void registerCheck(CheckSnapshot first) {
    String name = first.name();
    List<io.micrometer.core.instrument.Meter> meters = new ArrayList<>();
    meters.add(Gauge.builder("check.up", checks, m -> m.containsKey(name) && m.get(name).up() ? 1 : 0)
        .description("1 when the check is up (after rise/fall)")
        .tag("check", name)
        .register(registry));
    Set<String> results = new LinkedHashSet<>(CheckCounters.RESULTS);
    results.addAll(first.runs().keySet());
    for (String result : results) {
      meters.add(FunctionCounter.builder("check.runs", checks, m -> runs(m.get(name), result))
          .description("Probe runs, by result")
          .tag("check", name)
          .tag("result", result)
          .register(registry));
    }
    meters.add(FunctionTimer.builder("check.duration", checks,
            m -> m.containsKey(name) ? m.get(name).durationCount() : 0,
            m -> m.containsKey(name) ? m.get(name).durationTotalNanos() : 0, TimeUnit.NANOSECONDS)
        .description("Probe run time")
        .tag("check", name)
        .register(registry));
    checkMeters.put(name, meters);
  }

  private static double runs(CheckSnapshot c, String result) {
    return c == null ? 0 : c.runs().getOrDefault(result, 0L);
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

  private AtomicInteger state(String instance) {
    return states.computeIfAbsent(instance, i -> {
      AtomicInteger v = new AtomicInteger();
      instanceMeter(i, Gauge.builder("vrrp.state", v, AtomicInteger::get)
          .description("0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT")
          .tag("instance", i)
          .register(registry));
      return v;
    });
  }

  private void instanceMeter(String instance, io.micrometer.core.instrument.Meter meter) {
    instanceMeters.computeIfAbsent(instance, i -> new CopyOnWriteArrayList<>()).add(meter);
  }

  private AtomicInteger priority(String instance) {
    return priorities.computeIfAbsent(instance, i -> {
      AtomicInteger v = new AtomicInteger();
      instanceMeter(i, Gauge.builder("vrrp.priority.effective", v, AtomicInteger::get)
          .description("The priority the instance advertises now")
          .tag("instance", i)
          .register(registry));
      return v;
    });
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
    return new ArrayList<>(List.of("vrrp_state", "vrrp_priority_effective", "vrrp_transitions_total",
        "vrrp_adverts_sent_total", "vrrp_adverts_received_total", "vrrp_rx_dropped_total", "check_up",
        "check_runs_total", "check_duration_seconds", "vrrp_priority_order_file_ok", "vrrp_notify_queue_depth"));
  }
}
