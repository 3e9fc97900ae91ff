package org.vrrpagent.agent.notify;

import java.util.List;
import java.util.Objects;

/**
 * What a notification mail tells about the node beyond the transitions: the checks that are
 * failing. The daemon implements it from the check scheduler's results.
 *
 * <p>Called from the mail thread, at most once per mail, holding no lock; it must be safe to call
 * from any thread, return promptly, and must never call into the engine (which could be waiting to
 * hand the mail thread its next event). What every instance is doing comes with the events
 * themselves ({@link InstanceSummary} snapshots taken on the engine thread), not from here.
 */
public interface StatusSource {
  /** The checks failing now, with their reasons. */
  List<FailingCheck> failingChecks();

  /**
   * One instance as of a transition: a snapshot the engine thread takes when it reports a state
   * change, handed to the mail thread with the event.
   *
   * @param state MASTER, BACKUP, FAULT or INIT
   * @param basePriority the configured priority
   * @param effectivePriority the priority it entered its state with
   * @param why why it entered that state; may be empty (not yet started)
   */
  record InstanceSummary(
      String name, String state, int basePriority, int effectivePriority, String why) {
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
  StatusSource NONE = List::of;
}
