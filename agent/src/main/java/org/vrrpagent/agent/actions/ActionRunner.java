package org.vrrpagent.agent.actions;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.ActionsConfig;
import org.vrrpagent.agent.config.ActionsConfig.Action;
import org.vrrpagent.agent.config.ActionsConfig.DnsUpdate;
import org.vrrpagent.agent.config.ActionsConfig.On;
import org.vrrpagent.agent.config.ActionsConfig.ZoneFile;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.notify.ActionEvent;
import org.vrrpagent.agent.notify.ActionEvent.Result;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.core.fsm.Action.StateChanged;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * Runs the DNS actions of each instance when its master changes, off the engine thread: {@link
 * #stateChanged} (engine thread) only works out who is master now and hands that to this runner's
 * own thread through a bounded queue, never blocking. Only the newest wish per instance matters, so
 * a pending one is replaced by a newer one (counted as superseded), and a {@code dns-update} that
 * is retrying gives up as soon as a newer change of master arrives. Each action has its own time
 * limit (the reload command's, the DNS timeout and {@code retry-for}).
 *
 * <p>Who is master: this node on entering MASTER. In BACKUP the master is the peer (the other of
 * the two nodes in {@code hosts:}) once its adverts are heard: the actions run on the first
 * accepted advert after entering BACKUP, so a node starting up does not name a peer that may not be
 * running. On entering FAULT at once the peer: a node that is not healthy must not publish itself.
 * A stop (INIT) does nothing: the records keep naming this node until the peer takes over and its
 * actions run (see docs/geo-failover.md, "Failure modes").
 *
 * <p>Every outcome is logged and given to {@code outcomes} (the event log, mail, metrics).
 */
public final class ActionRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ActionRunner.class);

  /** Instances with a wish pending at once; past it the oldest is dropped and counted. */
  public static final int MAX_PENDING = 64;

  /** Reload commands live at once, over every zone-file action of this runner. */
  public static final int MAX_LIVE_RELOADS = 4;

  /** One wish: make the records of {@code instance} name {@code master}. */
  record Job(String instance, VrrpState state, String master, String standby, long sequence) {}

  private final String node;
  private final Map<String, InstanceConfig> instances = new LinkedHashMap<>();
  private final Consumer<ActionEvent> outcomes;
  private final Clock clock;
  private final ProcessGroupRunner reloads;
  private final ZoneFileUpdater zoneFiles;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Map<String, Long> latest = new LinkedHashMap<>();

  /** Instances in BACKUP that have not heard their master yet (engine thread only). */
  private final java.util.Set<String> awaitingAdvert = new java.util.HashSet<>();

  private final LongAdder dropped = new LongAdder();
  private final Thread thread;
  private long sequence;
  private boolean closing;

  private ActionRunner(Config config, Consumer<ActionEvent> outcomes, Clock clock) {
    this.node = config.node();
    config
        .instances()
        .forEach(
            (name, i) -> {
              if (!i.actions().isEmpty()) {
                instances.put(name, i);
              }
            });
    this.outcomes = Objects.requireNonNull(outcomes);
    this.clock = clock;
    this.reloads = new ProcessGroupRunner("zone-reload", MAX_LIVE_RELOADS);
    this.zoneFiles = new ZoneFileUpdater(reloads, clock);
    this.thread = Thread.ofPlatform().daemon().name("dns-actions").unstarted(this::loop);
  }

  /** A runner for {@code config}'s instances with actions, or null when none has any. */
  public static ActionRunner start(Config config, Consumer<ActionEvent> outcomes, Clock clock) {
    if (config.instances().values().stream().allMatch(i -> i.actions().isEmpty())) {
      return null;
    }
    ActionRunner r = new ActionRunner(config, outcomes, clock);
    r.thread.start();
    return r;
  }

  /** The reload commands' process-group runs, for metrics. */
  public ProcessGroupRunner reloads() {
    return reloads;
  }

  public long dropped() {
    return dropped.sum();
  }

  /** Engine thread: who is master now, queued; never blocks, never throws. */
  public void stateChanged(String instance, StateChanged change) {
    InstanceConfig i = instances.get(instance);
    if (i == null) {
      return;
    }
    try {
      String peer = i.actions().peerOf(node);
      switch (change.to()) {
        case MASTER -> {
          awaitingAdvert.remove(instance);
          offer(instance, VrrpState.MASTER, node, peer);
        }
        case BACKUP -> awaitingAdvert.add(instance);
        case FAULT -> {
          awaitingAdvert.remove(instance);
          offer(instance, VrrpState.FAULT, peer, node);
        }
        case INIT -> awaitingAdvert.remove(instance);
      }
    } catch (RuntimeException e) {
      log.error("{}: DNS actions not queued for {}", instance, change, e);
    }
  }

  /** Engine thread: an accepted advert; the first in BACKUP says the peer is master. */
  public void advertReceived(String instance) {
    if (!awaitingAdvert.remove(instance)) {
      return;
    }
    try {
      InstanceConfig i = instances.get(instance);
      offer(instance, VrrpState.BACKUP, i.actions().peerOf(node), node);
    } catch (RuntimeException e) {
      log.error("{}: DNS actions not queued after the master's advert", instance, e);
    }
  }

  synchronized void offer(String instance, VrrpState state, String master, String standby) {
    if (closing) {
      log.warn("{}: DNS actions closed, not run for {} as master", instance, master);
      return;
    }
    Job job = new Job(instance, state, master, standby, ++sequence);
    boolean replaced = queue.removeIf(j -> j.instance().equals(instance));
    if (!replaced && queue.size() >= MAX_PENDING) {
      Job old = queue.removeFirst();
      dropped.increment();
      log.warn(
          "{}: DNS action queue full ({}), dropped the wish for {} as master",
          old.instance(),
          MAX_PENDING,
          old.master());
    }
    queue.addLast(job);
    latest.put(instance, job.sequence());
    notifyAll();
  }

  private synchronized boolean current(Job job) {
    return latest.getOrDefault(job.instance(), job.sequence()) == job.sequence();
  }

  private void loop() {
    while (true) {
      Job job;
      synchronized (this) {
        while (queue.isEmpty() && !closing) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closing && queue.isEmpty()) {
          return;
        }
        job = queue.removeFirst();
      }
      try {
        run(job);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("{}: DNS actions failed", job.instance(), e);
      }
    }
  }

  private void run(Job job) throws InterruptedException {
    InstanceConfig i = instances.get(job.instance());
    ActionsConfig a = i.actions();
    ZoneRewriter.Roles roles =
        ZoneRewriter.Roles.of(a.hosts().get(job.master()), a.hosts().get(job.standby()));
    On on =
        switch (job.state()) {
          case MASTER -> On.MASTER;
          case BACKUP -> On.BACKUP;
          case FAULT -> On.FAULT;
          case INIT -> throw new IllegalStateException("no actions on INIT");
        };
    for (Action action : a.actions()) {
      if (!action.on().contains(on)) {
        continue;
      }
      if (!current(job)) {
        report(
            job,
            action,
            target(action),
            Result.SUPERSEDED,
            0,
            "a newer change of master came first");
        return;
      }
      switch (action) {
        case ZoneFile z -> {
          ZoneFileUpdater.Outcome o = zoneFiles.apply(z, roles);
          report(job, action, z.path().toString(), o.result(), 1, o.detail());
        }
        case DnsUpdate u -> dnsUpdate(job, u, roles);
      }
    }
  }

  private void dnsUpdate(Job job, DnsUpdate u, ZoneRewriter.Roles roles)
      throws InterruptedException {
    long deadline = System.nanoTime() + u.retryFor().toNanos();
    String lastLogged = null;
    int attempt = 0;
    while (true) {
      attempt++;
      DnsUpdater.Attempt at;
      try {
        String secret =
            TsigSecret.read(u.tsig().secretFile(), u.tsig().name(), u.tsig().algorithm());
        at = DnsUpdater.attempt(u, roles, secret);
      } catch (IOException | IllegalArgumentException e) {
        at =
            new DnsUpdater.Attempt(
                DnsUpdater.Kind.REFUSED,
                "secret-file "
                    + u.tsig().secretFile()
                    + ": "
                    + e.getMessage()
                    + "; nothing changed");
      }
      switch (at.kind()) {
        case DONE -> {
          report(job, u, u.server().toString(), Result.CHANGED, attempt, at.detail());
          return;
        }
        case ALREADY -> {
          report(job, u, u.server().toString(), Result.UNCHANGED, attempt, at.detail());
          return;
        }
        case REFUSED -> {
          report(job, u, u.server().toString(), Result.FAILED, attempt, at.detail());
          return;
        }
        case TRANSIENT -> {
          Duration wait = DnsUpdater.backoff(attempt);
          if (!at.detail().equals(lastLogged)) {
            log.warn(
                "{}: dns-update {}: {} (retrying every {}s at most, for up to {} while this node is master)",
                job.instance(),
                u.server(),
                at.detail(),
                wait.toSeconds(),
                u.retryFor());
            lastLogged = at.detail();
          }
          if (System.nanoTime() + wait.toNanos() > deadline) {
            report(
                job,
                u,
                u.server().toString(),
                Result.FAILED,
                attempt,
                at.detail()
                    + "; gave up after "
                    + attempt
                    + " attempts (retry-for "
                    + u.retryFor()
                    + ")");
            return;
          }
          if (!sleepWhileCurrent(job, wait)) {
            boolean stopping;
            synchronized (this) {
              stopping = closing;
            }
            report(
                job,
                u,
                u.server().toString(),
                stopping ? Result.FAILED : Result.SUPERSEDED,
                attempt,
                at.detail()
                    + (stopping
                        ? "; not retried: the agent is stopping"
                        : "; a newer change of master came first"));
            return;
          }
        }
      }
    }
  }

  /** Waits {@code d}, ending early (false) when a newer wish for the instance arrives. */
  private synchronized boolean sleepWhileCurrent(Job job, Duration d) throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    while (current(job) && !closing) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return false;
  }

  private static String target(Action a) {
    return switch (a) {
      case ZoneFile z -> z.path().toString();
      case DnsUpdate u -> u.server().toString();
    };
  }

  private void report(
      Job job, Action action, String target, Result result, int attempts, String detail) {
    ActionEvent e =
        new ActionEvent(
            job.instance(),
            action.kind(),
            target,
            result,
            job.master(),
            job.standby(),
            attempts,
            detail,
            clock.instant());
    switch (result) {
      case CHANGED, UNCHANGED -> log.info("{}: {}", e.summary(), detail);
      case SUPERSEDED -> log.info("{}: {}", e.summary(), detail);
      case FAILED, RESTORED -> log.error("{}: {}", e.summary(), detail);
    }
    try {
      outcomes.accept(e);
    } catch (RuntimeException ex) {
      log.warn("action outcome listener failed: {}", ex.toString());
    }
  }

  /**
   * Stops taking wishes; lets the running one and those queued finish until {@code budget}, then
   * interrupts (a reload command running then is killed with its group).
   */
  public void close(Duration budget) {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    try {
      thread.join(budget);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      int left;
      synchronized (this) {
        left = queue.size();
        queue.clear();
      }
      dropped.add(left);
      log.warn("DNS actions: still running at shutdown, stopped ({} queued dropped)", left);
      thread.interrupt();
    }
    reloads.close(Duration.ofSeconds(2), ProcessGroupRunner.DEFAULT_KILL_GRACE);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
