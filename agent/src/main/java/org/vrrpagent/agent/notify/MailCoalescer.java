package org.vrrpagent.agent.notify;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns transitions into mails, on time given from outside (pure: no clock, no thread). The first
 * transition that the policy sends opens a window of {@code coalesce}; every sending transition
 * until the window closes joins the same mail. All transitions, sending or not, go into the "recent
 * transitions" that every mail lists.
 */
final class MailCoalescer {
  /** Recent transitions listed in a mail. */
  static final int MAX_RECENT = 20;

  /** Transitions named in one mail; more are counted ("and 12 more"). */
  static final int MAX_PER_MAIL = 50;

  /** The transitions of one mail, and the recent history at the moment it closed. */
  record Batch(List<StateEvent> transitions, int omitted, List<StateEvent> recent) {}

  private final MailPolicy policy;
  private final long coalesceNanos;
  private final ArrayDeque<StateEvent> recent = new ArrayDeque<>();
  private final List<StateEvent> open = new ArrayList<>();
  private int omitted;
  private long deadlineNanos;

  MailCoalescer(MailPolicy policy, Duration coalesce) {
    this.policy = policy;
    this.coalesceNanos = coalesce.toNanos();
  }

  void add(StateEvent event, long nowNanos) {
    if (recent.size() == MAX_RECENT) {
      recent.removeFirst();
    }
    recent.addLast(event);
    if (!policy.sends(event)) {
      return;
    }
    if (open.isEmpty() && omitted == 0) {
      deadlineNanos = nowNanos + coalesceNanos;
    }
    if (open.size() < MAX_PER_MAIL) {
      open.add(event);
    } else {
      omitted++;
    }
  }

  /** When the open mail is due; empty when none is open. */
  Optional<Long> deadlineNanos() {
    return open.isEmpty() ? Optional.empty() : Optional.of(deadlineNanos);
  }

  /** The mail whose window has closed at {@code nowNanos}, if any. */
  Optional<Batch> due(long nowNanos) {
    if (open.isEmpty() || nowNanos - deadlineNanos < 0) {
      return Optional.empty();
    }
    return flush();
  }

  /** The open mail now, window or not (shutdown). */
  Optional<Batch> flush() {
    if (open.isEmpty()) {
      return Optional.empty();
    }
    Batch batch = new Batch(List.copyOf(open), omitted, List.copyOf(recent));
    open.clear();
    omitted = 0;
    return Optional.of(batch);
  }
}
