package org.vrrpagent.agent.control;

/**
 * What the control API asks of the running daemon. The daemon implements it; every change (demote,
 * promote, reload) goes through the daemon's one apply path, so the API never touches the engine
 * itself.
 *
 * <p>Methods are called on the control server's event-loop thread: they must return quickly (a
 * reload that takes longer should be started and reported as started).
 */
public interface ControlBackend {
  StatusSnapshot status();

  ActionResult demote(String instance, Demotion demotion);

  ActionResult promote(String instance);

  /**
   * One planned rotation now ({@code vrrp-agent rotate}): a MASTER hands over to its peer for the
   * instance's {@code rotation.hold} (10 minutes without {@code rotation:}); refused elsewhere.
   */
  ActionResult rotate(String instance);

  /** Re-read the configuration (as SIGHUP does). An invalid new configuration is refused. */
  ActionResult reload();
}
