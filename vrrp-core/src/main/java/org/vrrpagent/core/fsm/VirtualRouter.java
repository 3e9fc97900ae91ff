package org.vrrpagent.core.fsm;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One VRRP virtual router: a pure state machine, {@code (state, event, now) -> (state, actions)}.
 * No sockets, no clocks, no threads: the runtime feeds it events with the current time and
 * executes the actions it returns, in order. Not thread-safe: one caller at a time.
 */
public final class VirtualRouter {
  private final RouterConfig config;

  public VirtualRouter(RouterConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Handles one event at {@code nowNanos} (any monotonic clock; only differences matter).
   *
   * @return the actions to execute, in order
   * @throws IllegalStateException for an event that cannot happen in the current state
   *     (for example a master-down timer in MASTER): a bug in the caller, never ignored
   */
  public List<Action> handle(Event event, long nowNanos) {
    throw new UnsupportedOperationException("not yet");
  }

  public RouterConfig config() {
    return config;
  }

  public VrrpState state() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The priority this router advertises and elects with now. */
  public int effectivePriority() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The master's primary address as last seen (our own in MASTER); null before any. */
  public InetAddress masterAddress() {
    throw new UnsupportedOperationException("not yet");
  }

  /** Master_Adver_Interval in centiseconds: learned from the master (v3) or configured. */
  public int masterAdvertIntervalCentis() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The current timer values (for status output and tests). */
  public TimerIntervals timers() {
    throw new UnsupportedOperationException("not yet");
  }

  /** The fault reason while in FAULT (or while a fault is pending in INIT); null otherwise. */
  public String faultReason() {
    throw new UnsupportedOperationException("not yet");
  }
}
