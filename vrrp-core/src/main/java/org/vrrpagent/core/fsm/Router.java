package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.util.List;

/**
 * A virtual router's state machine as the engine drives it, whatever protocol it speaks: VRRP
 * ({@link VirtualRouter}) or CARP ({@code org.vrrpagent.core.carp.CarpRouter}). Pure: {@code
 * (state, event, now) -> (state, actions)}; the engine executes the actions.
 */
public interface Router {
  /**
   * Handles one event at {@code nowNanos}.
   *
   * @return the actions to execute, in order
   * @throws IllegalStateException for an event that cannot happen in the current state
   */
  List<Action> handle(Event event, long nowNanos);

  /**
   * As {@link #handle(Event, long)}, appending the actions to {@code out}; a router may arm its
   * timers through {@code out} when it is an {@link Action.TimerSink} (the engine's reused list).
   * {@link VirtualRouter} does, allocating nothing in its steady state; by default the actions are
   * copied.
   */
  default void handle(Event event, long nowNanos, List<Action> out) {
    out.addAll(handle(event, nowNanos));
  }

  VrrpState state();

  /** The priority this router elects with now (CARP: the priority its advertised skew maps to). */
  int effectivePriority();

  /** The master's address as last seen (our own in MASTER); null before any. */
  InetAddress masterAddress();

  /** The master's last advertised priority (ours in MASTER); -1 before any. */
  int masterPriority();

  /** The master's advertisement interval in centiseconds. */
  int masterAdvertIntervalCentis();

  /** The fault reason in FAULT; null otherwise. */
  String faultReason();

  /** In a resign-below episode (VRRP only; CARP never resigns). */
  boolean resigned();

  /** Peers in conflict with this router now. */
  List<PeerConflict> conflicts();
}
