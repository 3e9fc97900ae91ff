package org.vrrpagent.agent.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.agent.config.NotifyConfig.Hook;
import org.vrrpagent.agent.config.ScriptSecurity;

/**
 * Runs one configured hook: its own bounded queue and thread, so runs of one hook happen in
 * event order and never overlap, while a slow hook delays neither the engine nor other hooks.
 *
 * <p>Each run: {@code setsid argv...} (a new session, so the hook and everything it starts
 * form one process group), stdin from /dev/null, stdout and stderr captured (the first
 * {@link #MAX_LOGGED_OUTPUT_BYTES} logged, the rest counted and discarded). At the timeout the
 * group gets SIGTERM, after {@link #KILL_GRACE} SIGKILL. The hook is a direct child of the JVM,
 * which reaps it.
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

  private static final Path SETSID = findSetsid();

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
  private final SerialQueue<Run> queue;
  private volatile Process current;

  HookRunner(int index, Hook hook, boolean checkOwnership, Counters counters, Duration killGrace) {
    this.hook = hook;
    this.program = hook.exec().getFirst();
    this.checkOwnership = checkOwnership;
    this.counters = counters;
    this.killGrace = killGrace;
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
      argv.addAll(List.of(event.type().name(), event.name(), event.to().name(), Integer.toString(event.priority())));
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

  boolean close(Duration budget) {
    return queue.close(budget, () -> {
      Process p = current;
      if (p != null && p.isAlive()) {
        log.warn("hook {}: still running at shutdown, killing its process group {}", program, p.pid());
        ProcessGroup.signal(p.pid(), ProcessGroup.SIGKILL);
      }
    });
  }

  private void execute(Run run) {
    if (checkOwnership) {
      // The loader checked at start; a file swapped since then is refused now (keepalived's script security).
      Optional<String> unsafe = ScriptSecurity.writableByOthers(Path.of(program));
      if (unsafe.isPresent()) {
        counters.failed().increment();
        log.error("hook {}: not run: {}", run, unsafe.get());
        return;
      }
    }
    List<String> command = new ArrayList<>();
    command.add(SETSID.toString());
    command.addAll(run.argv());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(run.environment());
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      counters.failed().increment();
      log.error("hook {}: cannot start: {}", run, e.getMessage());
      return;
    }
    counters.run().increment();
    current = process;
    Output output = new Output();
    Thread reader = Thread.ofVirtual().name("hook-output-" + process.pid()).start(() -> output.drain(process.getInputStream()));
    boolean timedOut = false;
    try {
      if (!process.waitFor(hook.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
        timedOut = true;
        kill(process);
      }
    } catch (InterruptedException e) {
      // shutdown: close() has killed the group; reap what is left without waiting long
      kill(process);
      Thread.currentThread().interrupt();
    } finally {
      current = null;
    }
    try {
      reader.join(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    String text = output.text();
    if (timedOut) {
      counters.timedOut().increment();
      counters.failed().increment();
      log.error("hook {}: timed out after {} ms (timeout {}), process group {} killed{}", run, millis, hook.timeout(),
          process.pid(), text);
    } else if (process.isAlive()) {
      counters.failed().increment();
      log.error("hook {}: interrupted at shutdown after {} ms{}", run, millis, text);
    } else if (process.exitValue() != 0) {
      counters.failed().increment();
      log.warn("hook {}: exit status {} after {} ms{}", run, process.exitValue(), millis, text);
    } else {
      log.info("hook {}: exit status 0 after {} ms{}", run, millis, text);
    }
  }

  /** SIGTERM to the group, SIGKILL after the grace, then reap (bounded). */
  private void kill(Process process) {
    long pgid = process.pid();
    ProcessGroup.signal(pgid, ProcessGroup.SIGTERM);
    try {
      if (!process.waitFor(killGrace.toNanos(), TimeUnit.NANOSECONDS)) {
        ProcessGroup.signal(pgid, ProcessGroup.SIGKILL);
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      ProcessGroup.signal(pgid, ProcessGroup.SIGKILL);
      Thread.currentThread().interrupt();
    }
    // children that ignored SIGTERM or outlived the leader
    ProcessGroup.signal(pgid, ProcessGroup.SIGKILL);
  }

  /** The first bytes of a run's output; the rest is read (so the hook never blocks on a full pipe) and counted. */
  private static final class Output {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long discarded;

    void drain(InputStream in) {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (this) {
            int room = MAX_LOGGED_OUTPUT_BYTES - kept.size();
            int keep = Math.min(room, n);
            kept.write(buffer, 0, keep);
            discarded += n - keep;
          }
        }
      } catch (IOException e) {
        // the stream closes when the process is gone
      }
    }

    synchronized String text() {
      if (kept.size() == 0) {
        return "";
      }
      String s = kept.toString(StandardCharsets.UTF_8).strip().replaceAll("[\\p{Cntrl}&&[^\n\t]]", "?");
      return "; output:\n" + s + (discarded > 0 ? "\n(" + discarded + " more bytes of output discarded)" : "");
    }
  }

  private static Path findSetsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of("/usr/bin/setsid"); // starting fails loudly, per run, with the path in the message
  }
}
