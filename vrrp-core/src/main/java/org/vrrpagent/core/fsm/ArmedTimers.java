package org.vrrpagent.core.fsm;

import java.util.List;
import org.vrrpagent.core.fsm.Action.ArmTimer;
import org.vrrpagent.core.fsm.Action.CancelTimer;

/**
 * Which of a router's named timers are armed, and until when; arming and cancelling also tell the
 * engine, as {@link ArmTimer} / {@link CancelTimer} actions or, when the action list is an {@link
 * Action.TimerSink}, through the sink (the engine's way of arming without allocating). The VRRP and
 * the CARP state machines keep their timers here. Allocates nothing after construction; not
 * thread-safe.
 */
public final class ArmedTimers {
  private final boolean[] armed = new boolean[TimerName.values().length];
  private final long[] deadlineNanos = new long[TimerName.values().length];

  /** Arms (or re-arms) {@code timer} to fire at {@code deadlineNanos}. */
  public void arm(TimerName timer, long deadlineNanos, List<Action> out) {
    armed[timer.ordinal()] = true;
    this.deadlineNanos[timer.ordinal()] = deadlineNanos;
    if (out instanceof Action.TimerSink sink) {
      sink.armTimer(timer, deadlineNanos);
    } else {
      out.add(new ArmTimer(timer, deadlineNanos));
    }
  }

  /** Cancels {@code timer} if it is armed; nothing (and no action) otherwise. */
  public void cancel(TimerName timer, List<Action> out) {
    if (disarm(timer)) {
      if (out instanceof Action.TimerSink sink) {
        sink.cancelTimer(timer);
      } else {
        out.add(new CancelTimer(timer));
      }
    }
  }

  /**
   * Marks {@code timer} not armed without telling the engine (it fired); false when it was not
   * armed.
   */
  public boolean disarm(TimerName timer) {
    boolean was = armed[timer.ordinal()];
    armed[timer.ordinal()] = false;
    return was;
  }

  public boolean isArmed(TimerName timer) {
    return armed[timer.ordinal()];
  }

  /** The deadline of an armed timer, or -1. */
  public long deadlineNanos(TimerName timer) {
    return armed[timer.ordinal()] ? deadlineNanos[timer.ordinal()] : -1;
  }
}
