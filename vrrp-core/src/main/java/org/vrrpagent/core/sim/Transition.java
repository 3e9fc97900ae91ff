package org.vrrpagent.core.sim;

import org.vrrpagent.core.fsm.Action.StateChanged;
import org.vrrpagent.core.fsm.VrrpState;

/** One state change seen on the simulated LAN, at a virtual time. */
public record Transition(long atNanos, String host, String router, StateChanged change) {
  public VrrpState to() {
    return change.to();
  }

  @Override
  public String toString() {
    return String.format("%12.6f s %s/%s %s", atNanos / 1e9, host, router, change);
  }
}
