package org.vrrpagent.core.fsm;

/**
 * The named timers a virtual router arms and cancels through {@link Action.ArmTimer} / {@link
 * Action.CancelTimer}.
 */
public enum TimerName {
  /** Adver_Timer (RFC 9568 §6.2): MASTER sends an advertisement when it fires. */
  ADVERTISEMENT,
  /** Master_Down_Timer (RFC 9568 §6.2): BACKUP becomes MASTER when it fires. */
  MASTER_DOWN,
  /** keepalived's preempt_delay: BACKUP tolerates a lower-priority master until it fires. */
  PREEMPT_DELAY,
  /**
   * A conflict episode may have gone quiet: episodes without a conflicting advert for the quiet
   * period end.
   */
  CONFLICT_QUIET
}
