package org.vrrpagent.agent.notify;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.actions.ActionRunner;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.NotifyConfig;
import org.vrrpagent.agent.config.NotifyConfig.State;
import org.vrrpagent.agent.config.ScriptSecurity;
import org.vrrpagent.agent.config.VirtualAddress;
import org.vrrpagent.base.AddressText;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.PeerConflict;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * Tells people about state changes: hooks, mail and the event stream, as an {@link EngineListener}.
 * {@link #stateChanged} only converts the change and offers it to bounded queues; every slow part
 * (processes, SMTP, files) runs on the notifications' own threads, so it never delays the engine.
 * See docs/notifications.md for the contract.
 *
 * <pre>{@code
 * Notifications notifications = Notifications.start(config, statusSource);
 * Engine engine = new Engine(addresses, announcer, EngineListeners.of(..., notifications));
 * ...
 * engine.shutdown(...);      // STOP events are still delivered
 * notifications.close();     // at most CLOSE_BUDGET + 1 s
 * }</pre>
 */
public final class Notifications implements EngineListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Notifications.class);

  /** How long {@link #close} lets hooks, mail and the event log finish before dropping the rest. */
  public static final Duration CLOSE_BUDGET = Duration.ofSeconds(2);

  /**
   * Hook runs live at once, over all hooks. Each hook runs one at a time, so this is reached only
   * with more hooks than this, all running; a run past it is refused and counted.
   */
  public static final int MAX_LIVE_HOOK_RUNS = ProcessGroupRunner.DEFAULT_MAX_LIVE;

  /** Tunables with their production values; tests shorten them. */
  record Options(
      Duration hookKillGrace,
      Duration mailInitialBackoff,
      Properties mailProperties,
      PrintStream stdout,
      boolean checkOwnership,
      Clock clock) {
    static Options defaults() {
      return new Options(
          HookRunner.KILL_GRACE,
          Duration.ofSeconds(5),
          new Properties(),
          System.out,
          ScriptSecurity.runningAsRoot(),
          Clock.systemUTC());
    }
  }

  private final String node;
  private final Map<String, List<String>> vips;
  private final List<HookRunner> hooks = new ArrayList<>();
  private final HookRunner.Counters hookCounters = new HookRunner.Counters();
  private final ProcessGroupRunner hookRuns;
  private final Duration hookKillGrace;
  private final Optional<MailQueue> mail;
  private final EventLog events;
  private final EventBus bus;
  private final SyncGroupTracker groups;
  private final Clock clock;

  /** The DNS actions' runner, or null when no instance has actions. */
  private final ActionRunner actions;

  /**
   * Every instance as of the last state change, in configuration order: kept by {@link
   * #stateChanged} on the engine thread (its only writer and reader), copied into each event handed
   * to the mail thread, so a mail never needs to ask the engine anything.
   */
  private final Map<String, StatusSource.InstanceSummary> instancesNow = new LinkedHashMap<>();

  private final Map<String, Integer> configuredPriority = new LinkedHashMap<>();
  private volatile boolean closed;

  private Notifications(
      Config config,
      StatusSource status,
      Options options,
      EventBus bus,
      java.util.function.Consumer<ActionEvent> actionSink) {
    NotifyConfig notify = config.notifications();
    this.bus = bus;
    this.node = config.node();
    this.clock = options.clock();
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    config
        .instances()
        .forEach(
            (name, instance) ->
                addresses.put(
                    name,
                    instance.addresses().stream()
                        .map(VirtualAddress::address)
                        .map(AddressText::of)
                        .toList()));
    this.vips = addresses;
    config
        .instances()
        .forEach(
            (name, instance) -> {
              configuredPriority.put(name, instance.priority());
              instancesNow.put(
                  name,
                  new StatusSource.InstanceSummary(
                      name, "INIT", instance.priority(), instance.priority(), ""));
            });
    Map<String, List<String>> groupMembers = new LinkedHashMap<>();
    config.syncGroups().forEach((name, group) -> groupMembers.put(name, group.instances()));
    this.groups = new SyncGroupTracker(groupMembers, addresses);
    this.hookRuns = new ProcessGroupRunner("hook", MAX_LIVE_HOOK_RUNS);
    this.hookKillGrace = options.hookKillGrace();
    int i = 0;
    for (NotifyConfig.Hook hook : notify.hooks()) {
      hooks.add(
          new HookRunner(
              i++,
              hook,
              options.checkOwnership(),
              hookCounters,
              options.hookKillGrace(),
              hookRuns));
    }
    this.mail =
        notify
            .email()
            .map(
                email ->
                    new MailQueue(
                        node,
                        email,
                        status,
                        new MailSender(email, options.mailProperties()),
                        options.mailInitialBackoff()));
    this.events = new EventLog(node, notify.events(), bus, options.stdout());
    this.actions =
        ActionRunner.start(
            config,
            e -> {
              events.offer(e);
              if (e.result() != ActionEvent.Result.UNCHANGED
                  && e.result() != ActionEvent.Result.SUPERSEDED) {
                mail.ifPresent(m -> m.offer(e));
              }
              actionSink.accept(e);
            },
            clock);
  }

  /**
   * Starts the notification threads for {@code config.notifications()}.
   *
   * @param status what mails say about the node beyond the transition; called from the mail thread
   */
  public static Notifications start(Config config, StatusSource status) {
    return start(config, status, new EventBus());
  }

  /**
   * As {@link #start(Config, StatusSource)}, publishing live events on {@code bus}: a reload that
   * replaces the notifications keeps the bus, so {@code GET /events} streams go on.
   */
  public static Notifications start(Config config, StatusSource status, EventBus bus) {
    return start(config, status, bus, e -> {});
  }

  /**
   * As {@link #start(Config, StatusSource, EventBus)}; each DNS action's outcome also goes to
   * {@code actionSink} (metrics), on the actions' thread: it must not block.
   */
  public static Notifications start(
      Config config,
      StatusSource status,
      EventBus bus,
      java.util.function.Consumer<ActionEvent> actionSink) {
    return new Notifications(config, status, Options.defaults(), bus, actionSink);
  }

  static Notifications start(Config config, StatusSource status, Options options) {
    return new Notifications(config, status, options, new EventBus(), e -> {});
  }

  /** The DNS actions' reload runs, or null when no instance has actions (for metrics). */
  public ProcessGroupRunner actionRuns() {
    return actions == null ? null : actions.reloads();
  }

  /** The hooks' process-group runs (live, started, refused, timed out), for metrics. */
  public ProcessGroupRunner hookRuns() {
    return hookRuns;
  }

  /** Live event subscriptions, for the control API's {@code GET /events}. */
  public EventBus events() {
    return bus;
  }

  /** Runs on the engine thread: converts and enqueues, never blocks, never throws. */
  @Override
  public void stateChanged(String router, Action.StateChanged change) {
    if (closed) {
      log.warn("{}: {} after notifications closed: not notified", router, change);
      return;
    }
    try {
      StateEvent event =
          new StateEvent(
              StateEvent.Type.INSTANCE,
              router,
              change.from().name(),
              state(change.to()),
              change.priority(),
              change.reason(),
              vips.getOrDefault(router, List.of()),
              List.of(),
              clock.instant());
      List<StatusSource.InstanceSummary> now = remember(router, change);
      if (actions != null) {
        actions.stateChanged(router, change);
      }
      dispatch(event, now);
      for (StateEvent group : groups.on(event)) {
        dispatch(group, now);
      }
    } catch (RuntimeException e) {
      log.error("{}: notification of {} failed", router, change, e);
    }
  }

  /** Engine thread: updates the snapshot of every instance and returns a copy of it. */
  private List<StatusSource.InstanceSummary> remember(String router, Action.StateChanged change) {
    if (change.to() == VrrpState.INIT) {
      instancesNow.remove(router); // stopped (shutdown, or removed by a reload)
    } else {
      int configured = configuredPriority.getOrDefault(router, change.priority());
      instancesNow.put(
          router,
          new StatusSource.InstanceSummary(
              router, change.to().name(), configured, change.priority(), change.reason()));
    }
    return List.copyOf(instancesNow.values());
  }

  /**
   * An address event (re-added, duplicate alarm) for the event log and live subscribers. Any
   * thread; never blocks (the queue is bounded; drops are counted).
   */
  public void address(AddressEvent event) {
    if (!closed) {
      events.offer(event);
    }
  }

  /** A step of a planned rotation: event log, subscribers and mail. Any thread; never blocks. */
  public void rotation(RotationEvent event) {
    if (closed) {
      return;
    }
    events.offer(event);
    mail.ifPresent(m -> m.offer(event));
  }

  /** Engine thread: an accepted advert (the DNS actions learn that the peer is master). */
  @Override
  public void advertReceived(String router) {
    if (actions != null && !closed) {
      actions.advertReceived(router);
    }
  }

  /** Runs on the engine thread: an event and a mail when a conflict episode begins. */
  @Override
  public void conflictRaised(String router, PeerConflict conflict) {
    conflict(router, conflict, true);
  }

  /** Runs on the engine thread: an event when a conflict episode ends (no mail). */
  @Override
  public void conflictCleared(String router, PeerConflict conflict) {
    conflict(router, conflict, false);
  }

  private void conflict(String router, PeerConflict conflict, boolean raised) {
    if (closed) {
      return;
    }
    try {
      Instant now = clock.instant();
      long nowNanos = System.nanoTime();
      ConflictEvent event =
          new ConflictEvent(
              router,
              raised,
              AddressText.of(conflict.peer()),
              conflict.differs(),
              conflict.reason().label(),
              conflict.detail(),
              now.minusNanos(Math.max(0, nowNanos - conflict.sinceNanos())),
              conflict.adverts(),
              vips.getOrDefault(router, List.of()),
              now);
      events.offer(event);
      if (raised) {
        mail.ifPresent(m -> m.offer(event));
      }
    } catch (RuntimeException e) {
      log.error("{}: notification of a conflict with {} failed", router, conflict.peer(), e);
    }
  }

  private void dispatch(StateEvent event, List<StatusSource.InstanceSummary> instances) {
    for (HookRunner hook : hooks) {
      if (hook.wants(event)) {
        hook.offer(event, node);
      }
    }
    mail.ifPresent(m -> m.offer(event, instances));
    events.offer(event);
  }

  static State state(VrrpState s) {
    return switch (s) {
      case MASTER -> State.MASTER;
      case BACKUP -> State.BACKUP;
      case FAULT -> State.FAULT;
      case INIT -> State.STOP;
    };
  }

  public NotificationStats stats() {
    return new NotificationStats(
        hookCounters.run().sum(),
        hookCounters.failed().sum(),
        hookCounters.timedOut().sum(),
        hooks.stream().mapToLong(HookRunner::dropped).sum(),
        hooks.stream().mapToInt(HookRunner::depth).sum(),
        mail.map(MailQueue::sent).orElse(0L),
        mail.map(MailQueue::attemptsFailed).orElse(0L),
        mail.map(MailQueue::dropped).orElse(0L),
        mail.map(MailQueue::depth).orElse(0),
        events.dropped() + mail.map(MailQueue::eventsDropped).orElse(0L),
        events.written());
  }

  /**
   * Lets queued hooks, mails and events finish for up to {@link #CLOSE_BUDGET} (all in parallel),
   * then kills running hooks and drops the rest, counted. Returns within about {@code CLOSE_BUDGET}
   * plus one second.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<CompletableFuture<?>> parts = new ArrayList<>();
    for (HookRunner hook : hooks) {
      parts.add(
          CompletableFuture.runAsync(() -> hook.close(CLOSE_BUDGET), Thread.ofVirtual()::start));
    }
    mail.ifPresent(
        m ->
            parts.add(
                CompletableFuture.runAsync(
                    () -> m.close(CLOSE_BUDGET), Thread.ofVirtual()::start)));
    if (actions != null) {
      parts.add(
          CompletableFuture.runAsync(() -> actions.close(CLOSE_BUDGET), Thread.ofVirtual()::start));
    }
    parts.add(
        CompletableFuture.runAsync(() -> events.close(CLOSE_BUDGET), Thread.ofVirtual()::start));
    try {
      CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
          .get(CLOSE_BUDGET.plusSeconds(1).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("notifications: not all finished at shutdown: {}", e.toString());
    }
    // Hooks still running past the budget: SIGTERM to their groups, SIGKILL after the grace.
    hookRuns.close(hookKillGrace.plusSeconds(1), hookKillGrace);
    NotificationStats s = stats();
    log.info(
        "notifications closed: hooks run {} failed {} dropped {}; mails sent {} dropped {}",
        s.hooksRun(),
        s.hooksFailed(),
        s.hooksDropped(),
        s.mailsSent(),
        s.mailsDropped());
  }
}
