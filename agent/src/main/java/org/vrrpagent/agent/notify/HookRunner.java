package org.vrrpagent.agent.notify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.NotifyConfig.Hook;
import org.vrrpagent.agent.config.ScriptSecurity;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.base.ProcessGroupRunner.Result;

/**
 * Runs one configured hook: its own bounded queue and thread, so runs of one hook happen in event
 * order and never overlap, while a slow hook delays neither the engine nor other hooks.
 *
 * <p>Each run goes through the notifications' {@link ProcessGroupRunner}: a new session and process
 * group, stdin from /dev/null, stdout and stderr captured (the first {@link
 * #MAX_LOGGED_OUTPUT_BYTES} logged, the rest counted and discarded), reading ended when the hook
 * exits — a background child holding its output neither delays the next run nor outlives this one
 * (it gets SIGTERM, then SIGKILL after the grace). At the timeout the group gets SIGTERM (on time)
 * and SIGKILL after {@link #KILL_GRACE}.
 */
final class HookRunner {
  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

  /** Runs waiting per hook; past this the oldest is dropped and counted. */
  static final int MAX_QUEUED_RUNS = 256;

  /** Output bytes of one run written to the log. */
  static final int MAX_LOGGED_OUTPUT_BYTES = 4096;

  /** Between SIGTERM and SIGKILL at the timeout. */
  static final Duration KILL_GRACE = Duration.ofSeconds(1);

  /** PATH of a hook's environment (hooks get no other inherited variable). */
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  record Counters(LongAdder run, LongAdder failed, LongAdder timedOut) {
    Counters() {
      this(new LongAdder(), new LongAdder(), new LongAdder());
    }
  }

  /** One run: the full argv and the environment. */
  record Run(String label, List<String> argv, Map<String, String> environment) {
    @Override
    public String toString() {
      return label;
    }
  }

  private final Hook hook;
  private final String program;
  private final boolean checkOwnership;
  private final Counters counters;
  private final Duration killGrace;
  private final ProcessGroupRunner runner;
  private final SerialQueue<Run> queue;

  HookRunner(
      int index,
      Hook hook,
      boolean checkOwnership,
      Counters counters,
      Duration killGrace,
      ProcessGroupRunner runner) {
    this.hook = hook;
    this.program = hook.exec().getFirst();
    this.checkOwnership = checkOwnership;
    this.counters = counters;
    this.killGrace = killGrace;
    this.runner = runner;
    this.queue = new SerialQueue<>("hook-" + index, MAX_QUEUED_RUNS, this::execute);
  }

  Hook hook() {
    return hook;
  }

  /** Whether this hook runs for {@code event}; see docs/notifications.md. */
  boolean wants(StateEvent event) {
    if (!hook.instances().isEmpty()) {
      if (!hook.instances().contains(event.name())) {
        return false;
      }
    } else if (!hook.generic() && event.type() == StateEvent.Type.GROUP) {
      return false; // a per-state hook without a list runs per instance, not once more per group
    }
    return hook.generic() || hook.on().contains(event.to());
  }

  /** Queues a run for {@code event} (never blocks). */
  void offer(StateEvent event, String node) {
    List<String> argv = new ArrayList<>(hook.exec());
    if (hook.generic()) {
      argv.addAll(
          List.of(
              event.type().name(),
              event.name(),
              event.to().name(),
              Integer.toString(event.priority())));
    }
    queue.offer(new Run(program + " for " + event.summary(), argv, environment(event, node)));
  }

  static Map<String, String> environment(StateEvent event, String node) {
    var env = new java.util.LinkedHashMap<String, String>();
    env.put("PATH", PATH);
    env.put("VRRP_TYPE", event.type().name());
    env.put("VRRP_NAME", event.name());
    if (event.type() == StateEvent.Type.INSTANCE) {
      env.put("VRRP_INSTANCE", event.name());
    } else {
      env.put("VRRP_GROUP", event.name());
      env.put("VRRP_INSTANCES", String.join(" ", event.members()));
    }
    env.put("VRRP_STATE", event.to().name());
    env.put("VRRP_PREVIOUS_STATE", event.from());
    env.put("VRRP_PRIORITY", Integer.toString(event.priority()));
    env.put("VRRP_REASON", event.reason());
    env.put("VRRP_VIPS", String.join(" ", event.vips()));
    env.put("VRRP_NODE", node);
    env.put("VRRP_TIME", event.time().toString());
    return env;
  }

  int depth() {
    return queue.depth();
  }

  long dropped() {
    return queue.dropped();
  }

  /**
   * Lets queued runs finish within {@code budget}; a run still going then is left to the runner,
   * whose {@code close} kills its group.
   */
  boolean close(Duration budget) {
    return queue.close(budget, () -> {});
  }

  private void execute(Run run) {
    if (checkOwnership) {
      // The loader checked at start; a file swapped since then is refused now (keepalived's script
      // security).
      Optional<String> unsafe = ScriptSecurity.writableByOthers(Path.of(program));
      if (unsafe.isPresent()) {
        counters.failed().increment();
        log.error("hook {}: not run: {}", run, unsafe.get());
        return;
      }
    }
    Result result;
    try {
      result =
          runner.run(
              ProcessGroupRunner.Run.of(run.argv(), hook.timeout())
                  .withEnvironment(run.environment())
                  .withKillGrace(killGrace)
                  .withMaxOutputBytes(MAX_LOGGED_OUTPUT_BYTES));
    } catch (InterruptedException e) {
      // shutdown: the runner's close kills the group
      counters.failed().increment();
      log.error("hook {}: interrupted at shutdown", run);
      Thread.currentThread().interrupt();
      return;
    }
    long millis = result.elapsed().toMillis();
    String text = text(result);
    switch (result.outcome()) {
      case REFUSED, NOT_STARTED -> {
        counters.failed().increment();
        log.error("hook {}: {}", run, result.note());
      }
      case TIMED_OUT -> {
        counters.run().increment();
        counters.timedOut().increment();
        counters.failed().increment();
        log.error(
            "hook {}: timed out after {} ms (timeout {}), {} (process group {}){}",
            run,
            millis,
            DurationText.of(hook.timeout()),
            result.note(),
            result.pid(),
            text);
      }
      case STOPPED -> {
        counters.run().increment();
        counters.failed().increment();
        log.error("hook {}: stopped at shutdown after {} ms{}", run, millis, text);
      }
      case EXITED -> {
        counters.run().increment();
        String left = result.note().isEmpty() ? "" : " (" + result.note() + ")";
        if (result.exitStatus() != 0) {
          counters.failed().increment();
          log.warn(
              "hook {}: exit status {} after {} ms{}{}",
              run,
              result.exitStatus(),
              millis,
              left,
              text);
        } else {
          log.info("hook {}: exit status 0 after {} ms{}{}", run, millis, left, text);
        }
      }
    }
  }

  /**
   * The logged part of a run's output: control characters replaced, the discarded bytes counted.
   */
  private static String text(Result result) {
    String kept = result.stdout().strip();
    if (kept.isEmpty()) {
      return "";
    }
    String s = kept.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "?");
    return "; output:\n"
        + s
        + (result.truncated()
            ? "\n(" + result.discardedBytes() + " more bytes of output discarded)"
            : "");
  }
}
