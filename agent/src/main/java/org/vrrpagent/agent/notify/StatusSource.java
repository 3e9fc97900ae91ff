package org.vrrpagent.agent.notify;

import java.util.List;
import java.util.Objects;

/**
 * What a notification mail tells about the whole node beyond the transition itself: every
 * instance's state and priority and why, and the checks that are failing. The daemon
 * implements it from the engine and check state.
 *
 * <p>Called from the mail thread (never the engine thread), at most once per mail; it must be
 * safe to call from any thread and should return promptly.
 */
public interface StatusSource {
  /** Every instance, in configuration order. */
  List<InstanceSummary> instances();

  /** The checks failing now, with their reasons. */
  List<FailingCheck> failingChecks();

  /**
   * One instance now, as the status mail lists it (the control API's full view is
   * {@code StatusSnapshot.InstanceStatus}).
   *
   * @param state MASTER, BACKUP, FAULT or INIT
   * @param basePriority the configured (or priority-order) priority
   * @param effectivePriority after check weights
   * @param why how the effective priority came about, or the fault reason; may be empty
   */
  record InstanceSummary(String name, String state, int basePriority, int effectivePriority, String why) {
    public InstanceSummary {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(why, "why");
    }
  }

  /** A check that fails now: its name and the probe's reason ("DNS SERVFAIL"). */
  record FailingCheck(String name, String reason) {
    public FailingCheck {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Nothing known (the mail then shows only the transitions). */
  StatusSource NONE = new StatusSource() {
    @Override
    public List<InstanceSummary> instances() {
      return List.of();
    }

    @Override
    public List<FailingCheck> failingChecks() {
      return List.of();
    }
  };
}
