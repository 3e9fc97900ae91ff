package org.vrrpagent.core.engine;

import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.wire.DropReason;

/**
 * Told what the engine does: notifications, metrics and the event log are listeners.
 *
 * <p>The contract: every method runs on the engine thread, one call at a time, in the order the
 * engine did things; no exception: drops of received packets (found on a transport's I/O thread, or
 * refused because the engine queue was full) are reported from the engine thread too, and so are
 * failures of the address lane (address changes, announcements). So a listener needs no locks of
 * its own for state only it touches. Methods must not block (no system call that can wait: no
 * socket send, no file write, no lock another thread holds while it waits) and must not throw (a
 * listener that throws is logged and otherwise ignored; it never stops the engine). Slow work
 * (scripts, mail, systemd notification) goes to a bounded queue with its own thread.
 * Safety-critical work never lives in a listener. A listener may read {@code Engine.status()} (it
 * runs at once on this thread) but must not call {@code add}, {@code remove}, {@code start} or
 * {@code shutdown} (they may wait on the address table).
 */
public interface EngineListener {
  /** A router changed state (the one path every change takes). */
  default void stateChanged(String router, Action.StateChanged change) {}

  /** A router sent an advertisement with this priority. */
  default void advertSent(String router, int priority) {}

  /** A router accepted an advertisement (it passed the codec and the router's policy). */
  default void advertReceived(String router) {}

  /**
   * A received packet was dropped. {@code router} is null when no router was involved (the codec
   * rejected it, or no router has its VRID).
   */
  default void dropped(String router, DropReason reason, String detail) {}

  /** An operation on the system failed (send, address add/remove, announce): one operator line. */
  default void failure(String router, String message) {}

  /**
   * A peer's advertisement disagrees with our configuration (logged once per distinct mismatch).
   */
  default void peerMisconfigured(String router, String detail) {}

  /**
   * A conflict episode began: a router claims this router's VRID on its link but we drop its
   * adverts (version, authentication, interval or address list differ), so both may be master. Once
   * per episode and peer.
   */
  default void conflictRaised(String router, PeerConflict conflict) {}

  /** A conflict episode ended (the peer was quiet for the quiet period). */
  default void conflictCleared(String router, PeerConflict conflict) {}

  EngineListener NONE = new EngineListener() {};
}
