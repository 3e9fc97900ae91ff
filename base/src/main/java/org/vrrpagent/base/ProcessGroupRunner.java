package org.vrrpagent.base;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs external programs (hooks, script checks, {@code ip} commands), each owning its whole process
 * group for its whole life:
 *
 * <ul>
 *   <li>{@code setsid}: the program leads a new session and process group, so everything it starts
 *       can be signalled at once with {@code kill(-pgid)};
 *   <li>stdin is {@code /dev/null}; stdout and stderr go to pipes this class made and reads with
 *       {@code poll(2)} (not the JDK's process streams, whose reader — and the JDK's reaper thread
 *       — block for as long as any background child holds the pipe open). At most {@link
 *       Run#maxOutputBytes()} per stream are kept; the rest is read and counted, so the program
 *       never blocks on a full pipe;
 *   <li>reading ends when the leader exits (a {@code pidfd} tells, to the millisecond), or at the
 *       deadline, whichever comes first; at the deadline the group gets SIGTERM — on time, not
 *       after a grace — and SIGKILL after {@link Run#killGrace()};
 *   <li>when the leader has exited, whatever is left in its group (a {@code sleep 1000 &}) gets the
 *       same SIGTERM, grace, SIGKILL, and the pipes are closed, so nothing a run started outlives
 *       it — except a process that left the group itself ({@code setsid} again), which no
 *       process-group signal reaches;
 *   <li>the leader is reaped by the JDK; leftovers, re-parented to init (or a subreaper), are
 *       reaped there after the SIGKILL.
 * </ul>
 *
 * <p>At most {@code maxLive} runs are live at once; past that a run is refused at once ({@link
 * Outcome#REFUSED}, counted), not queued. Each run has its own platform thread (its {@code poll}
 * would pin a virtual thread's carrier), so live runs bound these threads too. {@link #close} kills
 * every live group and refuses new runs.
 *
 * <pre>{@code
 * var runner = new ProcessGroupRunner("script", 64);
 * Result r = runner.run(Run.of(List.of("/usr/local/bin/check-dns"), Duration.ofSeconds(2)));
 * }</pre>
 */
public final class ProcessGroupRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessGroupRunner.class);

  /** Live runs per runner when not configured: far above what a sane configuration runs at once. */
  public static final int DEFAULT_MAX_LIVE = 64;

  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

  /** How often the leader is looked at when the system has no pidfd (glibc < 2.36, Linux < 5.3). */
  static final int NO_PIDFD_POLL_MILLIS = 10;

  /** How often a run looks whether {@link #close} stopped it. */
  static final int STOP_CHECK_MILLIS = 100;

  /** How long a new process may take to become its own group leader ({@code setsid}). */
  static final Duration SETSID_WAIT = Duration.ofSeconds(1);

  /**
   * After the group is gone, how long a pipe still held by an escaped process is read before it is
   * closed.
   */
  static final Duration DRAIN_AFTER_KILL = Duration.ofMillis(100);

  private static final Path SETSID = findSetsid();

  /** How a run ended. */
  public enum Outcome {
    /** The leader exited by itself; {@link Result#exitStatus()} is its status. */
    EXITED,
    /** The deadline passed: the group was killed. */
    TIMED_OUT,
    /** Not started: {@code maxLive} runs were live, or the runner is closed. */
    REFUSED,
    /** Not started: the program could not be executed (see {@link Result#note()}). */
    NOT_STARTED,
    /** The runner was closed while it ran: the group was killed. */
    STOPPED
  }

  /**
   * One run.
   *
   * @param argv the program and its arguments ({@code setsid} is put in front)
   * @param environment the whole environment, or {@code null} to inherit the agent's
   * @param extraEnvironment added to the environment (e.g. {@code LC_ALL=C})
   * @param timeout from start to SIGTERM of the group
   * @param killGrace between SIGTERM and SIGKILL
   * @param maxOutputBytes kept per stream; the rest is counted
   * @param separateStderr stderr to its own pipe (else merged into stdout)
   */
  public record Run(
      List<String> argv,
      Map<String, String> environment,
      Map<String, String> extraEnvironment,
      Duration timeout,
      Duration killGrace,
      int maxOutputBytes,
      boolean separateStderr) {
    public Run {
      argv = List.copyOf(argv);
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("empty command (expected: a program and its arguments)");
      }
      environment = environment == null ? null : Map.copyOf(environment);
      extraEnvironment = Map.copyOf(extraEnvironment);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "timeout " + DurationText.of(timeout) + " (expected: positive)");
      }
      if (killGrace.isNegative()) {
        throw new IllegalArgumentException(
            "kill grace " + DurationText.of(killGrace) + " (expected: 0 or more)");
      }
      if (maxOutputBytes < 0) {
        throw new IllegalArgumentException(
            "maxOutputBytes " + maxOutputBytes + " (expected: 0 or more)");
      }
    }

    /** Inherited environment, merged output, the default grace and output limit. */
    public static Run of(List<String> argv, Duration timeout) {
      return new Run(
          argv, null, Map.of(), timeout, DEFAULT_KILL_GRACE, DEFAULT_MAX_OUTPUT_BYTES, false);
    }

    public Run withEnvironment(Map<String, String> whole) {
      return new Run(
          argv, whole, extraEnvironment, timeout, killGrace, maxOutputBytes, separateStderr);
    }

    public Run withExtraEnvironment(Map<String, String> extra) {
      return new Run(argv, environment, extra, timeout, killGrace, maxOutputBytes, separateStderr);
    }

    public Run withKillGrace(Duration grace) {
      return new Run(
          argv, environment, extraEnvironment, timeout, grace, maxOutputBytes, separateStderr);
    }

    public Run withMaxOutputBytes(int bytes) {
      return new Run(
          argv, environment, extraEnvironment, timeout, killGrace, bytes, separateStderr);
    }

    public Run withSeparateStderr() {
      return new Run(argv, environment, extraEnvironment, timeout, killGrace, maxOutputBytes, true);
    }
  }

  /**
   * What a run did.
   *
   * @param exitStatus the leader's status for {@link Outcome#EXITED} (128+signal when a signal
   *     ended it), else -1
   * @param stdout the first bytes of standard output (and of stderr when merged), UTF-8
   * @param stderr the first bytes of standard error when separate, else ""
   * @param discardedBytes output bytes read past the limits
   * @param elapsed from start to the leader's exit, or to the deadline's SIGTERM
   * @param note what was done beyond waiting, for logs: "process group killed after 1s grace", "2
   *     processes left in the group were terminated", or why it did not start
   */
  public record Result(
      Outcome outcome,
      int exitStatus,
      String stdout,
      String stderr,
      long discardedBytes,
      Duration elapsed,
      long pid,
      String note) {
    public boolean succeeded() {
      return outcome == Outcome.EXITED && exitStatus == 0;
    }

    public boolean truncated() {
      return discardedBytes > 0;
    }
  }

  /** Counters, read by the agent's metrics. */
  public record Stats(int live, long started, long refused, long timedOut, long leftoversKilled) {}

  private final String kind;
  private final int maxLive;
  private final Semaphore slots;
  private final Set<LiveRun> live = ConcurrentHashMap.newKeySet();
  private final LongAdder started = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder leftoversKilled = new LongAdder();
  private final AtomicLong threadNumber = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param kind what runs here ("hook", "script", "command"): names threads and metrics
   * @param maxLive runs live at once (1..4096)
   */
  public ProcessGroupRunner(String kind, int maxLive) {
    if (maxLive < 1 || maxLive > 4096) {
      throw new IllegalArgumentException("maxLive " + maxLive + " (expected: 1..4096)");
    }
    this.kind = Objects.requireNonNull(kind, "kind");
    this.maxLive = maxLive;
    this.slots = new Semaphore(maxLive);
  }

  public String kind() {
    return kind;
  }

  public int maxLive() {
    return maxLive;
  }

  public Stats stats() {
    return new Stats(
        maxLive - slots.availablePermits(),
        started.sum(),
        refused.sum(),
        timedOut.sum(),
        leftoversKilled.sum());
  }

  /**
   * Starts {@code run} on its own thread; the future completes when the run and its group are over.
   */
  public CompletableFuture<Result> start(Run run) {
    Objects.requireNonNull(run, "run");
    if (closed || !slots.tryAcquire()) {
      refused.increment();
      String why = closed ? "shutting down" : maxLive + " " + kind + " runs are live (the limit)";
      return CompletableFuture.completedFuture(
          new Result(Outcome.REFUSED, -1, "", "", 0, Duration.ZERO, -1, "not started: " + why));
    }
    CompletableFuture<Result> result = new CompletableFuture<>();
    try {
      Thread.ofPlatform()
          .daemon()
          .name(kind + "-run-" + threadNumber.incrementAndGet())
          .start(
              () -> {
                Result r;
                try {
                  r = execute(run);
                } catch (RuntimeException | Error e) {
                  log.error("{} run {}: {}", kind, run.argv().getFirst(), e.toString(), e);
                  r =
                      new Result(
                          Outcome.NOT_STARTED, -1, "", "", 0, Duration.ZERO, -1, "failed: " + e);
                } finally {
                  slots
                      .release(); // before the caller hears of the end: its next run finds the slot
                  // free
                }
                result.complete(r);
              });
    } catch (RuntimeException | Error e) {
      slots.release();
      refused.increment();
      return CompletableFuture.completedFuture(
          new Result(
              Outcome.REFUSED, -1, "", "", 0, Duration.ZERO, -1, "not started: no thread: " + e));
    }
    return result;
  }

  /**
   * Runs {@code run} and waits for it (and its group) to be over. An interrupt of the caller does
   * not end the run early (its deadline does); the caller gets the interrupt back.
   */
  public Result run(Run run) throws InterruptedException {
    try {
      return start(run).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Refuses new runs, sends SIGTERM to every live group, SIGKILL to those left after the grace, and
   * waits until {@code budget} for the runs to be over. True when none is left.
   */
  public boolean close(Duration budget, Duration grace) {
    closed = true;
    long end = System.nanoTime() + budget.toNanos();
    List<LiveRun> now = new ArrayList<>(live);
    if (!now.isEmpty()) {
      log.warn(
          "{} runs: stopping {} still running (process groups {})",
          kind,
          now.size(),
          now.stream().map(r -> Long.toString(r.pgid)).toList());
    }
    now.forEach(r -> r.stop(ProcessCalls.SIGTERM));
    long graceEnd = System.nanoTime() + Math.min(grace.toNanos(), budget.toNanos());
    while (busy() && System.nanoTime() < graceEnd) {
      live.forEach(r -> r.stop(0)); // runs that registered meanwhile see "stopped" too
      sleepMillis(5);
    }
    while (busy() && System.nanoTime() < end) {
      live.forEach(r -> r.stop(ProcessCalls.SIGKILL));
      sleepMillis(5);
    }
    return !busy();
  }

  private boolean busy() {
    return slots.availablePermits() < maxLive;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5), DEFAULT_KILL_GRACE);
  }

  private Result execute(Run run) {
    String missing = missingProgram(run);
    if (missing != null) {
      return new Result(
          Outcome.NOT_STARTED,
          -1,
          "",
          "",
          0,
          Duration.ZERO,
          -1,
          "cannot start " + run.argv().getFirst() + ": " + missing);
    }
    int[] out = ProcessCalls.pipe();
    int[] err = run.separateStderr() ? ProcessCalls.pipe() : new int[] {-1, -1};
    long startNanos = System.nanoTime();
    Process process;
    try {
      List<String> command = new ArrayList<>(run.argv().size() + 1);
      command.add(SETSID.toString());
      command.addAll(run.argv());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.to(new File("/proc/self/fd/" + out[1])));
      if (run.separateStderr()) {
        builder.redirectError(ProcessBuilder.Redirect.to(new File("/proc/self/fd/" + err[1])));
      } else {
        builder.redirectErrorStream(true);
      }
      if (run.environment() != null) {
        builder.environment().clear();
        builder.environment().putAll(run.environment());
      }
      builder.environment().putAll(run.extraEnvironment());
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      closeAll(out[0], out[1], err[0], err[1]);
      return new Result(
          Outcome.NOT_STARTED,
          -1,
          "",
          "",
          0,
          Duration.ZERO,
          -1,
          "cannot start " + run.argv().getFirst() + ": " + e.getMessage());
    } finally {
      // the child has its copies; ours would keep the pipes open after it exits
      ProcessCalls.close(out[1]);
      ProcessCalls.close(err[1]);
    }
    started.increment();
    awaitOwnGroup(process);
    LiveRun liveRun = new LiveRun(process.pid());
    live.add(liveRun);
    if (closed) {
      liveRun.stop(0); // close() ran while this one started: end it below like a deadline
    }
    int pidfd = ProcessCalls.pidfdOpen(process.pid());
    Output stdout = new Output(out[0], run.maxOutputBytes());
    Output stderr = new Output(err[0], run.maxOutputBytes());
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(8192);
      long deadline = startNanos + run.timeout().toNanos();
      boolean exited = false;
      // 1. Until the leader exits or the deadline: read what comes, wake at the exit.
      while (true) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          break;
        }
        int waitMillis =
            (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
        // wake now and then to see a close(); without a pidfd, to see the leader's exit
        waitMillis = Math.min(waitMillis, pidfd < 0 ? NO_PIDFD_POLL_MILLIS : STOP_CHECK_MILLIS);
        boolean exitSignalled = pump(arena, buffer, stdout, stderr, pidfd, waitMillis);
        if (pidfd >= 0 ? exitSignalled : !process.isAlive()) {
          exited = true;
          break;
        }
        if (liveRun.stopped) {
          break;
        }
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
      Outcome outcome;
      String note;
      int status = -1;
      if (exited) {
        status = reap(process);
        outcome = liveRun.stopped ? Outcome.STOPPED : Outcome.EXITED;
        // 2a. The leader is gone; whatever it left in its group goes too.
        note = terminateLeftovers(liveRun, run.killGrace(), arena, buffer, stdout, stderr);
      } else {
        // 2b. Deadline (or close): SIGTERM now, SIGKILL after the grace.
        outcome = liveRun.stopped ? Outcome.STOPPED : Outcome.TIMED_OUT;
        if (outcome == Outcome.TIMED_OUT) {
          timedOut.increment();
        }
        note = killGroup(process, liveRun, run.killGrace(), arena, buffer, stdout, stderr);
        if (!process.isAlive()) {
          status = reap(process);
        }
      }
      // 3. Read what the pipes still hold; a process that escaped the group may keep one open:
      // bounded.
      drain(arena, buffer, stdout, stderr);
      return new Result(
          outcome,
          outcome == Outcome.EXITED ? status : -1,
          stdout.text(),
          stderr.text(),
          stdout.discarded + stderr.discarded,
          elapsed,
          process.pid(),
          note);
    } finally {
      closeAll(out[0], err[0], pidfd);
      live.remove(liveRun);
    }
  }

  /**
   * Waits until the new process leads its own group (setsid has run), so that signalling the group
   * reaches it; a few milliseconds at most after start.
   */
  private static void awaitOwnGroup(Process process) {
    long end = System.nanoTime() + SETSID_WAIT.toNanos();
    Path stat = Path.of("/proc/" + process.pid() + "/stat");
    while (System.nanoTime() < end && process.isAlive()) {
      try {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ", 4);
        if (fields[2].equals(Long.toString(process.pid()))) {
          return;
        }
      } catch (IOException | RuntimeException e) {
        return; // gone (or no /proc): nothing to wait for
      }
      sleepMillis(1);
    }
  }

  /** One poll: reads whatever is readable; true when the pidfd says the leader exited. */
  private boolean pump(
      Arena arena, MemorySegment buffer, Output stdout, Output stderr, int pidfd, int waitMillis) {
    int[] fds = {stdout.open ? stdout.fd : -1, stderr.open ? stderr.fd : -1, pidfd};
    short[] revents = new short[3];
    if (fds[0] < 0 && fds[1] < 0 && fds[2] < 0) {
      sleepMillis(Math.min(waitMillis, NO_PIDFD_POLL_MILLIS));
      return false;
    }
    ProcessCalls.poll(arena, fds, revents, waitMillis);
    if (revents[0] != 0) {
      stdout.readAvailable(arena, buffer);
    }
    if (revents[1] != 0) {
      stderr.readAvailable(arena, buffer);
    }
    return revents[2] != 0;
  }

  /**
   * The leader's exit status (the JDK reaps it; it has exited or been killed, so this is quick).
   */
  private static int reap(Process process) {
    try {
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  private String terminateLeftovers(
      LiveRun run,
      Duration grace,
      Arena arena,
      MemorySegment buffer,
      Output stdout,
      Output stderr) {
    if (!groupHasLiveMembers(run.pgid)) {
      return "";
    }
    leftoversKilled.increment();
    ProcessCalls.killGroup(run.pgid, ProcessCalls.SIGTERM);
    if (waitGroupGone(run, grace, arena, buffer, stdout, stderr)) {
      return "processes it left in its group were terminated";
    }
    ProcessCalls.killGroup(run.pgid, ProcessCalls.SIGKILL);
    return "processes it left in its group were killed after " + DurationText.of(grace) + " grace";
  }

  private String killGroup(
      Process process,
      LiveRun run,
      Duration grace,
      Arena arena,
      MemorySegment buffer,
      Output stdout,
      Output stderr) {
    ProcessCalls.killGroup(run.pgid, ProcessCalls.SIGTERM);
    if (waitGroupGone(run, grace, arena, buffer, stdout, stderr) && reaped(process, grace)) {
      return "process group terminated";
    }
    if (!ProcessCalls.killGroup(run.pgid, ProcessCalls.SIGKILL)) {
      process.destroyForcibly(); // not (yet) its own group: at least the program itself
    }
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "process group killed after " + DurationText.of(grace) + " grace";
  }

  /**
   * Whether the program, whose group is empty (so it is dead or a zombie), has been reaped by the
   * JDK within {@code grace}: its reaper thread may lag behind on a loaded machine.
   */
  private static boolean reaped(Process process, Duration grace) {
    try {
      return process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** Reads output while waiting up to {@code grace} for the group to be empty. */
  private boolean waitGroupGone(
      LiveRun run,
      Duration grace,
      Arena arena,
      MemorySegment buffer,
      Output stdout,
      Output stderr) {
    long end = System.nanoTime() + grace.toNanos();
    while (groupHasLiveMembers(run.pgid)) {
      long remaining = end - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      pump(
          arena,
          buffer,
          stdout,
          stderr,
          -1,
          (int) Math.max(1, Math.min(5, TimeUnit.NANOSECONDS.toMillis(remaining))));
    }
    return true;
  }

  /**
   * Whether a process other than a zombie is in group {@code pgid}. {@code kill(-pgid, 0)} alone
   * counts zombies: killed leftovers are re-parented to init, and an init that does not reap (a
   * container's) would make every group look alive until the SIGKILL.
   */
  static boolean groupHasLiveMembers(long pgid) {
    if (!ProcessCalls.killGroup(pgid, 0)) {
      return false;
    }
    try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        String stat;
        try {
          stat = Files.readString(proc.resolve("stat"));
        } catch (IOException e) {
          continue; // gone meanwhile
        }
        // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
        if (fields.length >= 3
            && fields[2].equals(Long.toString(pgid))
            && !fields[0].equals("Z")
            && !fields[0].equals("X")) {
          return true;
        }
      }
    } catch (IOException e) {
      return true; // no /proc: trust kill(2)
    }
    return false;
  }

  private void drain(Arena arena, MemorySegment buffer, Output stdout, Output stderr) {
    long end = System.nanoTime() + DRAIN_AFTER_KILL.toNanos();
    while ((stdout.open || stderr.open) && System.nanoTime() < end) {
      pump(arena, buffer, stdout, stderr, -1, 10);
    }
  }

  /**
   * Why the program cannot be executed, or null: {@code setsid} would exec it and fail with an exit
   * status indistinguishable from the program's own, so look first (as {@code execvp} will, along
   * the run's PATH).
   */
  static String missingProgram(Run run) {
    String program = run.argv().getFirst();
    if (program.contains("/")) {
      Path p = Path.of(program);
      if (!Files.exists(p)) {
        return "no such file";
      }
      return Files.isRegularFile(p) && Files.isExecutable(p) ? null : "not an executable file";
    }
    String path =
        run.extraEnvironment()
            .getOrDefault(
                "PATH",
                run.environment() != null
                    ? run.environment().getOrDefault("PATH", "")
                    : System.getenv().getOrDefault("PATH", ""));
    for (String dir : path.split(":")) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, program);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return null;
        }
      }
    }
    return "not found on PATH " + path;
  }

  private static void closeAll(int... fds) {
    for (int fd : fds) {
      ProcessCalls.close(fd);
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A live run: its group, and whether {@link #close} stopped it. */
  private static final class LiveRun {
    final long pgid;
    volatile boolean stopped;

    LiveRun(long pgid) {
      this.pgid = pgid;
    }

    void stop(int signal) {
      stopped = true;
      if (signal != 0) {
        ProcessCalls.killGroup(pgid, signal);
      }
    }
  }

  /** One output pipe: the first bytes kept, the rest counted. */
  private static final class Output {
    final int fd;
    final int limit;
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    long discarded;
    boolean open;

    Output(int fd, int limit) {
      this.fd = fd;
      this.limit = limit;
      this.open = fd >= 0;
    }

    void readAvailable(Arena arena, MemorySegment buffer) {
      while (open) {
        int n = ProcessCalls.read(arena, fd, buffer);
        if (n < 0) {
          return; // nothing more now
        }
        if (n == 0) {
          open = false; // every writer is gone
          return;
        }
        int keep = Math.max(0, Math.min(n, limit - kept.size()));
        if (keep > 0) {
          kept.write(buffer.asSlice(0, keep).toArray(ValueLayout.JAVA_BYTE), 0, keep);
        }
        discarded += n - keep;
      }
    }

    String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }
  }

  private static Path findSetsid() {
    for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
      Path p = Path.of(candidate);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return Path.of(
        "setsid"); // found on PATH, or each run fails to start with the name in the message
  }
}
