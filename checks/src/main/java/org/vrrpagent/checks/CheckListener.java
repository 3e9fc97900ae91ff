package org.vrrpagent.checks;

/**
 * Told about results and state changes, on the scheduler's thread. Contract: return quickly, never
 * block, never throw (a throwing listener is logged and counted, and the others are still called).
 * Slow work (email, scripts) belongs on the listener's own bounded queue.
 */
public interface CheckListener {

  /** The check's state changed (after rise/fall). */
  void onTransition(CheckTransition transition);

  /** Every booked result, including timeouts. Default: ignored. */
  default void onResult(String check, ProbeResult result) {}
}
