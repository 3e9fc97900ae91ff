package org.vrrpagent.agent.daemon;

import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.control.EventSource;
import org.vrrpagent.agent.notify.ActionEvent;
import org.vrrpagent.agent.notify.AddressEvent;
import org.vrrpagent.agent.notify.EventBus;
import org.vrrpagent.agent.notify.NotificationStats;
import org.vrrpagent.agent.notify.Notifications;
import org.vrrpagent.agent.notify.StatusSource;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.PeerConflict;

/**
 * The engine's notification listener, replaceable while the engine runs: a reload whose {@code
 * notify:} settings (or instances, whose addresses hooks and mails name) changed starts a new
 * {@link Notifications} for the new configuration and switches to it; the old one is closed on its
 * own thread, finishing queued hooks and mails within {@link Notifications#CLOSE_BUDGET} and
 * dropping (counting) the rest. The live event bus ({@code GET /events}) is the same across swaps,
 * so subscribers keep their stream.
 */
final class NotificationPipeline implements EngineListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationPipeline.class);

  private final StatusSource status;
  private final Consumer<ProcessGroupRunner> hookRuns;
  private final Consumer<ActionEvent> actionOutcomes;
  private final EventBus bus = new EventBus();
  private volatile Notifications current;

  /**
   * @param hookRuns told of each pipeline's hook runner (metrics read the current one)
   */
  NotificationPipeline(Config config, StatusSource status, Consumer<ProcessGroupRunner> hookRuns) {
    this(config, status, hookRuns, e -> {});
  }

  /**
   * @param actionOutcomes told of each DNS action's outcome (metrics), on the actions' thread
   */
  NotificationPipeline(
      Config config,
      StatusSource status,
      Consumer<ProcessGroupRunner> hookRuns,
      Consumer<ActionEvent> actionOutcomes) {
    this.status = Objects.requireNonNull(status);
    this.hookRuns = Objects.requireNonNull(hookRuns);
    this.actionOutcomes = Objects.requireNonNull(actionOutcomes);
    this.current = Notifications.start(config, status, bus, actionOutcomes);
    started(current);
  }

  private void started(Notifications n) {
    hookRuns.accept(n.hookRuns());
    if (n.actionRuns() != null) {
      hookRuns.accept(n.actionRuns());
    }
  }

  /** Live events for {@code GET /events}, across reloads. */
  EventSource events() {
    return bus::subscribe;
  }

  NotificationStats stats() {
    return current.stats();
  }

  /**
   * Applies {@code next}'s notification settings when they differ from {@code before}'s. The new
   * pipeline is started first, so no event falls between the two.
   */
  void reconfigure(Config before, Config next) {
    if (before.notifications().equals(next.notifications())
        && before.instances().equals(next.instances())
        && before.syncGroups().equals(next.syncGroups())) {
      return;
    }
    Notifications old = current;
    current = Notifications.start(next, status, bus, actionOutcomes);
    started(current);
    Thread.ofVirtual().name("notify-drain").start(old::close);
    log.info(
        "reload: notification settings applied (the previous hooks and mails finish within {}s)",
        Notifications.CLOSE_BUDGET.toSeconds());
  }

  @Override
  public void stateChanged(String router, Action.StateChanged change) {
    current.stateChanged(router, change);
  }

  @Override
  public void advertReceived(String router) {
    current.advertReceived(router);
  }

  /** The conflict alarm: an event and one mail per episode (see Notifications#conflictRaised). */
  @Override
  public void conflictRaised(String router, PeerConflict conflict) {
    current.conflictRaised(router, conflict);
  }

  @Override
  public void conflictCleared(String router, PeerConflict conflict) {
    current.conflictCleared(router, conflict);
  }

  /** An address event (re-added, duplicate) for the current notifications. */
  void address(AddressEvent event) {
    current.address(event);
  }

  /** A step of a planned rotation for the current notifications. */
  void rotation(org.vrrpagent.agent.notify.RotationEvent event) {
    current.rotation(event);
  }

  @Override
  public void close() {
    current.close();
  }
}
