package org.vrrpagent.agent.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.RotationConfig;
import org.vrrpagent.agent.control.ActionResult;
import org.vrrpagent.agent.control.Demotion;
import org.vrrpagent.agent.notify.RotationEvent;
import org.vrrpagent.agent.rotation.Rotation;
import org.vrrpagent.agent.rotation.RotationSchedule;
import org.vrrpagent.core.engine.RouterStatus;

/**
 * Runs the planned rotations of the instances that have {@code rotation:}: every {@link #TICK} on
 * the daemon's background thread, it reads the engine's status and the current configuration (so a
 * reload applies), advances each instance's {@link Rotation}, and carries out its steps — a
 * demotion to priority 1 or its end through the priority tracker (the one path demote and promote
 * take), and every outcome logged, evented and mailed. Never runs on the engine thread.
 */
final class Rotator {
  private static final Logger log = LoggerFactory.getLogger(Rotator.class);

  /** How often rotations are looked at. */
  static final Duration TICK = Duration.ofSeconds(1);

  /** Added to the peer's master-down interval for the confirm window. */
  static final Duration CONFIRM_MARGIN = Duration.ofSeconds(2);

  private final Supplier<Config> config;
  private final Supplier<List<RouterStatus>> status;
  private final PriorityTracker tracker;
  private final Consumer<RotationEvent> events;
  private final Clock clock;
  private final Map<String, Rotation> rotations = new HashMap<>();
  private final Map<String, RotationConfig> configs = new HashMap<>();

  Rotator(
      Supplier<Config> config,
      Supplier<List<RouterStatus>> status,
      PriorityTracker tracker,
      Consumer<RotationEvent> events,
      Clock clock) {
    this.config = config;
    this.status = status;
    this.tracker = tracker;
    this.events = events;
    this.clock = clock;
  }

  /** One tick: the scheduled rotations. */
  synchronized void tick() {
    try {
      Instant now = clock.instant();
      Map<String, RouterStatus> byName = statusByName();
      refresh(now);
      for (Map.Entry<String, Rotation> e : rotations.entrySet()) {
        RouterStatus s = byName.get(e.getKey());
        if (s != null) {
          apply(e.getKey(), e.getValue().tick(now, observed(s)));
        }
      }
    } catch (RuntimeException e) {
      log.warn("rotation: tick failed: {}", e.toString(), e);
    }
  }

  /** {@code vrrp-agent rotate NAME}: one rotation now. */
  synchronized ActionResult rotateNow(String instance) {
    InstanceConfig i = config.get().instances().get(instance);
    if (i == null) {
      return ActionResult.unknownInstance(instance);
    }
    if (i.priority() == InstanceConfig.OWNER_PRIORITY) {
      return ActionResult.refused(
          instance + " is an address owner (priority 255): it cannot hand over");
    }
    Instant now = clock.instant();
    refresh(now);
    Rotation r =
        rotations.computeIfAbsent(
            instance,
            n ->
                new Rotation(
                    new RotationSchedule(
                        new RotationConfig(
                            RotationConfig.MAX_EVERY,
                            java.util.Optional.empty(),
                            java.util.Optional.empty(),
                            RotationConfig.MAX_EVERY.minusSeconds(1)),
                        ZoneId.systemDefault()),
                    DEFAULT_HOLD,
                    confirm(i),
                    now));
    RouterStatus s = statusByName().get(instance);
    if (s == null) {
      return ActionResult.refused(instance + " is not running");
    }
    List<Rotation.Step> steps = r.now(now, observed(s));
    apply(instance, steps);
    for (Rotation.Step step : steps) {
      if (step instanceof Rotation.Step.Report rep) {
        return rep.outcome() == Rotation.Outcome.SKIPPED
            ? ActionResult.refused(instance + ": rotation skipped: " + rep.detail())
            : ActionResult.done(
                instance + ": rotation " + rep.outcome().label() + ": " + rep.detail());
      }
    }
    return ActionResult.done(instance + ": rotation started");
  }

  /** The hold of {@code rotate NAME} on an instance without {@code rotation:}. */
  static final Duration DEFAULT_HOLD = Duration.ofMinutes(10);

  /** Keeps one Rotation per instance with {@code rotation:}, rebuilt when its settings change. */
  private void refresh(Instant now) {
    Map<String, InstanceConfig> instances = config.get().instances();
    rotations.keySet().removeIf(n -> !instances.containsKey(n) || activeWithout(n, instances));
    configs.keySet().retainAll(rotations.keySet());
    for (InstanceConfig i : instances.values()) {
      if (i.rotation().isEmpty()) {
        continue;
      }
      RotationConfig rc = i.rotation().get();
      Rotation current = rotations.get(i.name());
      if (current == null || (!rc.equals(configs.get(i.name())) && !current.active())) {
        Rotation r =
            new Rotation(
                new RotationSchedule(rc, ZoneId.systemDefault()), rc.hold(), confirm(i), now);
        rotations.put(i.name(), r);
        configs.put(i.name(), rc);
        log.info("{}: next planned rotation at {}", i.name(), r.due());
      }
    }
  }

  /** An idle rotation of an instance whose {@code rotation:} is gone (or a manual one's end). */
  private boolean activeWithout(String name, Map<String, InstanceConfig> instances) {
    Rotation r = rotations.get(name);
    return !r.active() && instances.get(name).rotation().isEmpty() && configs.containsKey(name);
  }

  /** The peer's master-down interval (3 intervals + skew, at most 4 intervals) plus a margin. */
  static Duration confirm(InstanceConfig i) {
    return i.advertInterval().multipliedBy(4).plus(CONFIRM_MARGIN);
  }

  private void apply(String instance, List<Rotation.Step> steps) {
    for (Rotation.Step step : steps) {
      switch (step) {
        case Rotation.Step.Demote d -> tracker.demote(instance, new Demotion.ToBackup());
        case Rotation.Step.Restore r -> tracker.promote(instance);
        case Rotation.Step.Report rep -> {
          if (rep.outcome() == Rotation.Outcome.SKIPPED) {
            log.warn("{}: rotation skipped: {}", instance, rep.detail());
          } else {
            log.info("{}: rotation {}: {}", instance, rep.outcome().label(), rep.detail());
          }
          events.accept(
              new RotationEvent(instance, rep.outcome().label(), rep.detail(), clock.instant()));
        }
      }
    }
  }

  private Map<String, RouterStatus> statusByName() {
    Map<String, RouterStatus> out = new HashMap<>();
    for (RouterStatus s : status.get()) {
      out.put(s.name(), s);
    }
    return out;
  }

  private static Rotation.Observed observed(RouterStatus s) {
    return new Rotation.Observed(s.state(), s.masterAddress(), s.masterPriority());
  }
}
