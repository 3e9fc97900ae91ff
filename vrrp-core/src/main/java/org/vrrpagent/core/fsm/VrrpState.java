package org.vrrpagent.core.fsm;

/**
 * The states of a virtual router (RFC 9568 §6.4), plus FAULT (keepalived's, for failed tracking).
 */
public enum VrrpState {
  /** Not running: before {@link Event.Startup} and after {@link Event.Shutdown}. */
  INIT,
  /** Watching the master; takes over when the master-down timer expires. */
  BACKUP,
  /** Owns the virtual addresses and advertises. */
  MASTER,
  /** Not eligible: owns nothing, sends nothing, until the fault clears. */
  FAULT
}
