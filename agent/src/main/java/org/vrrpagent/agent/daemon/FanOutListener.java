package org.vrrpagent.agent.daemon;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.wire.DropReason;

/** Tells several listeners, each guarded: one that throws is logged and the others still hear. */
final class FanOutListener implements EngineListener {
  private static final Logger log = LoggerFactory.getLogger(FanOutListener.class);
  private final List<EngineListener> listeners;

  FanOutListener(List<EngineListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  private void each(java.util.function.Consumer<EngineListener> call) {
    for (EngineListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        log.error("listener {} threw (ignored): {}", l.getClass().getSimpleName(), e.toString(), e);
      }
    }
  }

  @Override
  public void stateChanged(String router, Action.StateChanged change) {
    each(l -> l.stateChanged(router, change));
  }

  // The two calls of every advert: a plain loop, no lambda per advert (the engine's steady state
  // allocates nothing).

  @Override
  public void advertSent(String router, int priority) {
    for (int i = 0; i < listeners.size(); i++) {
      EngineListener l = listeners.get(i);
      try {
        l.advertSent(router, priority);
      } catch (RuntimeException e) {
        log.error("listener {} threw (ignored): {}", l.getClass().getSimpleName(), e.toString(), e);
      }
    }
  }

  @Override
  public void advertReceived(String router) {
    for (int i = 0; i < listeners.size(); i++) {
      EngineListener l = listeners.get(i);
      try {
        l.advertReceived(router);
      } catch (RuntimeException e) {
        log.error("listener {} threw (ignored): {}", l.getClass().getSimpleName(), e.toString(), e);
      }
    }
  }

  @Override
  public void dropped(String router, DropReason reason, String detail) {
    each(l -> l.dropped(router, reason, detail));
  }

  @Override
  public void failure(String router, String message) {
    each(l -> l.failure(router, message));
  }

  @Override
  public void conflictRaised(String router, PeerConflict conflict) {
    each(l -> l.conflictRaised(router, conflict));
  }

  @Override
  public void conflictCleared(String router, PeerConflict conflict) {
    each(l -> l.conflictCleared(router, conflict));
  }

  @Override
  public void peerMisconfigured(String router, String detail) {
    each(l -> l.peerMisconfigured(router, detail));
  }
}
