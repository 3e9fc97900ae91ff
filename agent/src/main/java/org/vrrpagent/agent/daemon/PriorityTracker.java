package org.vrrpagent.agent.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.TrackConfig;
import org.vrrpagent.agent.control.Demotion;
import org.vrrpagent.agent.priority.RankedPriority;
import org.vrrpagent.checks.CheckListener;
import org.vrrpagent.checks.CheckStatus;
import org.vrrpagent.checks.CheckTransition;
import org.vrrpagent.checks.FileProbeSpec;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.core.fsm.Priority;
import org.vrrpagent.core.fsm.TrackedAdjustment;

/**
 * Health → priority: for every instance, its base priority (configured, or its rank in a
 * priority-order file), the adjustments of the checks it tracks (keepalived's semantics, see {@link
 * Priority#compute}), and an operator's demotion, combined into the effective priority and fault
 * state the engine runs with. Whenever an input changes it recomputes and tells the {@link Sink}
 * what changed, at once — the master re-advertises immediately, a backup recomputes its down timer.
 *
 * <p>Thread-safe: check results arrive on the check scheduler's thread, file changes on the
 * watcher's, operator commands on the control API's.
 */
public final class PriorityTracker implements CheckListener {
  private static final Logger log = LoggerFactory.getLogger(PriorityTracker.class);

  /** Where the results go: the engine. */
  public interface Sink {
    void priorityChanged(String instance, int effectivePriority);

    void faultRaised(String instance, String reason);

    void faultCleared(String instance);
  }

  /** Reads check states: the check scheduler. */
  public interface CheckStates {
    Optional<CheckStatus> status(String check);
  }

  /**
   * One instance's priority now and why.
   *
   * @param adjustments each contribution with the failing check's reason, for the log ({@code check
   *     dns_ok failed: DNS 127.0.0.1: SERVFAIL down: -60})
   * @param demotion the operator's demotion in force, or null
   * @param contributions the same, one short readable line each, for status ({@code check dns_ok
   *     down: -60}, {@code clamped -3 to 1})
   */
  public record Explained(
      String instance,
      int base,
      String baseReason,
      int effective,
      boolean fault,
      String faultReason,
      List<String> adjustments,
      Demotion demotion,
      List<String> contributions) {

    /**
     * How status shows the operator's demotion: "demoted to backup by the operator"; null when
     * none.
     */
    public String demotionText() {
      return demotion == null ? null : "demoted " + demotion.describe() + " by the operator";
    }
  }

  private Map<String, InstanceConfig> instances;
  private java.util.Set<String> fileChecks;
  private final CheckStates checks;
  private final Sink sink;
  private final Map<String, RankedPriority> ranks = new LinkedHashMap<>();
  private final Map<String, Demotion> demotions = new LinkedHashMap<>();
  private final Map<String, Explained> last = new LinkedHashMap<>();

  public PriorityTracker(Config config, CheckStates checks, Sink sink) {
    this.instances = config.instances();
    this.fileChecks = fileChecks(config);
    this.checks = checks;
    this.sink = sink;
  }

  private static java.util.Set<String> fileChecks(Config config) {
    java.util.Set<String> out = new java.util.HashSet<>();
    config
        .checks()
        .forEach(
            (name, c) -> {
              if (c.probe() instanceof FileProbeSpec) {
                out.add(name);
              }
            });
    return out;
  }

  /**
   * A reloaded configuration. Instances in {@code restarted} (and new ones) are forgotten: the
   * caller removes them from the engine, adds them anew with {@link #preview()}'s values and then
   * calls {@link #initial(java.util.Set)}. The others keep their rank and demotion and are
   * recomputed at once, their changes going to the sink.
   */
  public synchronized void reconfigure(Config config, java.util.Set<String> restarted) {
    this.instances = config.instances();
    this.fileChecks = fileChecks(config);
    ranks.keySet().retainAll(instances.keySet());
    demotions.keySet().retainAll(instances.keySet());
    last.keySet().retainAll(instances.keySet());
    last.keySet().removeAll(restarted);
    for (String name : List.copyOf(last.keySet())) {
      update(name);
    }
  }

  /** Remembers the priorities of {@code names} (added after a reload) and returns them. */
  public synchronized Map<String, Explained> initial(java.util.Set<String> names) {
    Map<String, Explained> out = new LinkedHashMap<>();
    for (String name : names) {
      Explained e = compute(name);
      last.put(name, e);
      out.put(name, e);
    }
    return out;
  }

  /**
   * What the priorities would be now, without remembering them (to build the engine's routers
   * with).
   */
  public synchronized Map<String, Explained> preview() {
    Map<String, Explained> out = new LinkedHashMap<>();
    for (String name : instances.keySet()) {
      out.put(name, compute(name));
    }
    return out;
  }

  /**
   * The priorities now, remembered: from this call on every change goes to the sink. Call it once
   * the engine has its routers, and hand it any difference from {@link #preview()}.
   */
  public synchronized Map<String, Explained> initial() {
    return initial(instances.keySet());
  }

  /** A priority-order file gave {@code instance} a new rank. */
  public synchronized void rankChanged(String instance, RankedPriority rank) {
    RankedPriority before = ranks.put(instance, rank);
    if (before == null || !before.equals(rank)) {
      log.info("{}: priority-order file: {}", instance, rank.reason());
    }
    update(instance);
  }

  /**
   * The operator demotes {@code instance} (runtime only): {@link Demotion.By} subtracts, like a
   * failing check; {@link Demotion.ToBackup} overrides the priority to 1 whatever checks and ranks
   * add. Not for an address owner, whose priority is 255 by definition.
   */
  public synchronized void demote(String instance, Demotion demotion) {
    InstanceConfig i = instances.get(instance);
    if (i == null) {
      throw new IllegalArgumentException("no instance named '" + instance + "'");
    }
    if (i.priority() == InstanceConfig.OWNER_PRIORITY) {
      throw new IllegalArgumentException(
          instance + " is an address owner (priority 255): it cannot be demoted");
    }
    demotions.put(instance, demotion);
    update(instance);
  }

  /**
   * Ends an operator's demotion of {@code instance}; false when it was not demoted (nothing
   * changes).
   */
  public synchronized boolean promote(String instance) {
    if (!instances.containsKey(instance)) {
      throw new IllegalArgumentException("no instance named '" + instance + "'");
    }
    if (demotions.remove(instance) == null) {
      return false;
    }
    update(instance);
    return true;
  }

  public synchronized Map<String, Explained> explain() {
    return Map.copyOf(last);
  }

  @Override
  public void onTransition(CheckTransition t) {
    recomputeTracking(t.check());
  }

  @Override
  public void onResult(String check, ProbeResult result) {
    // A file check's value can change without an up/down transition.
    if (fileChecks.contains(check)) {
      recomputeTracking(check);
    }
  }

  private synchronized void recomputeTracking(String check) {
    for (InstanceConfig i : instances.values()) {
      for (TrackConfig t : i.track()) {
        if (t.check().equals(check)) {
          update(i.name());
          break;
        }
      }
    }
  }

  private void update(String instance) {
    if (!instances.containsKey(instance)) {
      return; // removed by a reload
    }
    Explained before = last.get(instance);
    Explained now = compute(instance);
    last.put(instance, now);
    if (before == null) {
      return; // not started: initial() gives the engine its starting values
    }
    if (now.fault() && !before.fault()) {
      sink.faultRaised(instance, now.faultReason());
    }
    if (now.effective() != before.effective()) {
      log.info(
          "{}: priority {} -> {} ({})",
          instance,
          before.effective(),
          now.effective(),
          now.adjustments().isEmpty() ? now.baseReason() : String.join(", ", now.adjustments()));
      sink.priorityChanged(instance, now.effective());
    }
    if (!now.fault() && before.fault()) {
      sink.faultCleared(instance);
    } else if (now.fault() && before.fault() && !now.faultReason().equals(before.faultReason())) {
      log.info("{}: still in fault: {}", instance, now.faultReason());
    }
  }

  private Explained compute(String name) {
    InstanceConfig i = instances.get(name);
    int base = i.priority();
    String baseReason = "configured";
    String rankFault = null;
    RankedPriority rank = ranks.get(name);
    if (i.priorityOrder().isPresent()) {
      if (rank == null) {
        rankFault = "priority-order file not read yet";
      } else if (rank.fault()) {
        rankFault = "priority-order file: " + rank.reason();
      } else {
        base = rank.priority().getAsInt();
        baseReason = "priority-order file: " + rank.reason();
      }
    }
    List<TrackedAdjustment> adjustments = new ArrayList<>();
    List<TrackedAdjustment> shortAdjustments = new ArrayList<>();
    String fileFault = null;
    for (TrackConfig t : i.track()) {
      Optional<CheckStatus> s = checks.status(t.check());
      boolean up = s.map(CheckStatus::up).orElse(false);
      String reason =
          s.flatMap(CheckStatus::lastResult).map(ProbeResult::reason).orElse("no result yet");
      String label = "check " + t.check() + (up ? " up" : " failed: " + reason);
      if (fileChecks.contains(t.check())) {
        // keepalived's track_file: the file's value times the weight (weight 0 counts as 1),
        // reversed with reverse.
        OptionalInt value =
            s.flatMap(CheckStatus::lastResult)
                .map(ProbeResult::fileValue)
                .orElse(OptionalInt.empty());
        if (value.isEmpty()) {
          continue;
        }
        long adj =
            (long) value.getAsInt() * (t.weight() == 0 ? 1 : t.weight()) * (t.reverse() ? -1 : 1);
        if (adj <= FileProbeSpec.FAULT_AT_OR_BELOW) {
          fileFault =
              "file "
                  + t.check()
                  + " value "
                  + value.getAsInt()
                  + " gives "
                  + adj
                  + " (fault at or below "
                  + FileProbeSpec.FAULT_AT_OR_BELOW
                  + ")";
        } else if (adj != 0) {
          int w =
              (int) Math.clamp(adj, -TrackedAdjustment.MAX_WEIGHT, TrackedAdjustment.MAX_WEIGHT);
          adjustments.add(
              new TrackedAdjustment(
                  "file " + t.check() + " = " + value.getAsInt(), w, w > 0, false));
          shortAdjustments.add(adjustments.getLast());
        }
        continue;
      }
      adjustments.add(new TrackedAdjustment(label, t.weight(), up, t.reverse()));
      shortAdjustments.add(
          new TrackedAdjustment("check " + t.check(), t.weight(), up, t.reverse()));
    }
    Demotion demotion = base == InstanceConfig.OWNER_PRIORITY ? null : demotions.get(name);
    if (demotion instanceof Demotion.By by) {
      adjustments.add(
          new TrackedAdjustment(
              "operator demotion", -Math.min(by.by(), TrackedAdjustment.MAX_WEIGHT), false, false));
      shortAdjustments.add(adjustments.getLast());
    }
    Priority p = Priority.compute(base, adjustments);
    int effective = p.value();
    List<String> reasons = p.reasons();
    if (demotion instanceof Demotion.ToBackup toBackup && !p.fault()) {
      // An override, not a subtraction: 1 whatever checks and ranks add (CARP would say advskew
      // 254).
      effective = toBackup.apply(effective);
      reasons = new ArrayList<>(reasons);
      reasons.add("demoted to backup by the operator: priority " + effective);
    }
    String faultReason =
        rankFault != null
            ? rankFault
            : fileFault != null
                ? fileFault
                : p.fault()
                    ? String.join(
                        ", ", p.reasons().stream().filter(r -> r.endsWith(": fault")).toList())
                    : null;
    List<String> contributions =
        Priority.compute(base, shortAdjustments).reasons().stream()
            .map(r -> r.replace("operator demotion down: ", "operator demotion: "))
            .toList();
    if (effective != p.value()) {
      contributions = new ArrayList<>(contributions);
      contributions.add("demoted to backup by the operator: priority " + effective);
    }
    return new Explained(
        name,
        base,
        baseReason,
        effective,
        faultReason != null,
        faultReason == null ? "" : faultReason,
        List.copyOf(reasons),
        demotion,
        List.copyOf(contributions));
  }
}
