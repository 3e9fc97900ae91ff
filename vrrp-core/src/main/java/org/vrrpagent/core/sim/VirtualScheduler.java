package org.vrrpagent.core.sim;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.vrrpagent.core.engine.EngineScheduler;

/**
 * Virtual time for a whole simulated LAN: one queue of tasks ordered by virtual time, then by
 * submission, run one at a time on the caller's thread by {@link #runUntil}. Nothing reads a clock,
 * so the same inputs give the same run.
 *
 * <p>Each simulated host gets its own {@link HostThreads}, the {@link EngineScheduler} its {@code
 * Engine} runs on: an engine lane and an address lane (what are two threads on a host) that take
 * turns on this one queue, each in its own FIFO order. The scheduler knows which lane is running
 * and enforces the engine's threading contract: the address table and the announcer must never be
 * called on an engine lane, listeners only on it ({@link #requireEngineLane}, {@link
 * #requireNotEngineLane}). A breach throws an {@link AssertionError}, which no engine code catches,
 * so the run fails at the spot.
 */
public final class VirtualScheduler {
  /** A run that processes more tasks than this is stuck in a loop: fail instead of hanging. */
  public static final long MAX_TASKS = 20_000_000L;

  private static final class Entry implements EngineScheduler.Cancellable {
    final long atNanos;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Entry(long atNanos, long seq, Runnable task) {
      this.atNanos = atNanos;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private final String label;
  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.atNanos != b.atNanos
                  ? Long.compare(a.atNanos, b.atNanos)
                  : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private long tasks;

  /** The lane whose task is running; null for the driver (tests, the LAN's deliveries). */
  private Lane current;

  /**
   * @param label names the run in failure messages (for example {@code "seed=42"})
   */
  public VirtualScheduler(String label) {
    this.label = label;
  }

  /** Virtual nanoseconds since the scheduler was made. */
  public long now() {
    return now;
  }

  /** Tasks run so far. */
  public long tasks() {
    return tasks;
  }

  /** Runs {@code task} at virtual time {@code atNanos} (now, if that is past), as the driver. */
  public EngineScheduler.Cancellable at(long atNanos, Runnable task) {
    Entry e = new Entry(Math.max(atNanos, now), seq++, task);
    queue.add(e);
    return e;
  }

  /**
   * Runs every task due up to and including {@code untilNanos}; then the clock reads {@code
   * untilNanos}.
   */
  public void runUntil(long untilNanos) {
    while (!queue.isEmpty() && queue.peek().atNanos <= untilNanos) {
      Entry next = queue.poll();
      if (next.cancelled) {
        continue;
      }
      now = next.atNanos;
      if (++tasks > MAX_TASKS) {
        throw new IllegalStateException(label + ": more than " + MAX_TASKS + " tasks; stuck?");
      }
      next.task.run();
    }
    now = Math.max(now, untilNanos);
  }

  public void runFor(long nanos) {
    runUntil(now + nanos);
  }

  /** A new host's threads: its engine runs on them. */
  public HostThreads hostThreads(String host) {
    return new HostThreads(host);
  }

  /** Fails unless an engine lane is running (listener calls). */
  void requireEngineLane(String what) {
    if (current == null || !current.engine) {
      throw new AssertionError(
          label
              + ": threading contract broken: "
              + what
              + " called on "
              + (current == null ? "the driver" : current.name)
              + ", not on its engine thread");
    }
  }

  /** Fails on an engine lane (address table and announcer calls, which may block on a host). */
  void requireNotEngineLane(String what) {
    if (current != null && current.engine) {
      throw new AssertionError(
          label
              + ": threading contract broken: "
              + what
              + " called on "
              + current.name
              + " (the engine thread must wait on nothing but its own queue)");
    }
  }

  /** One simulated thread: a FIFO of tasks, each run as its own task on the queue. */
  private final class Lane {
    final String name;
    final boolean engine;
    final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    boolean alive = true;

    Lane(String name, boolean engine) {
      this.name = name;
      this.engine = engine;
    }

    void submit(Runnable task, long atNanos) {
      if (!alive) {
        throw new RejectedExecutionException(name + " stopped");
      }
      ready.add(task);
      at(atNanos, this::runOne);
    }

    void runOne() {
      Runnable task = ready.poll();
      if (task != null && alive) {
        runAs(task);
      }
    }

    /** Runs what is queued now, in order (a caller waiting for this lane). */
    void drain() {
      Runnable task;
      while (alive && (task = ready.poll()) != null) {
        runAs(task);
      }
    }

    void runAs(Runnable task) {
      Lane before = current;
      current = this;
      try {
        task.run();
      } finally {
        current = before;
      }
    }

    /** A timed task on this lane (a timer): it skips the FIFO, as on a scheduled executor. */
    EngineScheduler.Cancellable timed(long atNanos, Runnable task) {
      if (!alive) {
        throw new RejectedExecutionException(name + " stopped");
      }
      return at(
          atNanos,
          () -> {
            if (alive) {
              runAs(task);
            }
          });
    }
  }

  /**
   * The {@link EngineScheduler} of one simulated host: virtual time, an engine lane and an address
   * lane. {@link #call} from the driver first runs what the engine lane has queued (a caller on a
   * host waits behind it too), then the work, at the current virtual time.
   */
  public final class HostThreads implements EngineScheduler {
    private final Lane engineLane;
    private final Lane addressLane;

    /**
     * Virtual time an address change or announcement takes (the `ip` command, the packet socket).
     */
    private long addressLatencyNanos;

    private HostThreads(String host) {
      this.engineLane = new Lane(host + "/vrrp-engine", true);
      this.addressLane = new Lane(host + "/vrrp-addresses", false);
    }

    /** Address changes and announcements start this long after they are asked for (default 0). */
    public HostThreads addressLatencyNanos(long nanos) {
      if (nanos < 0) {
        throw new IllegalArgumentException("latency " + nanos + " ns (expected: >= 0)");
      }
      this.addressLatencyNanos = nanos;
      return this;
    }

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public boolean inEngineThread() {
      return current == engineLane;
    }

    @Override
    public void execute(Runnable task) {
      engineLane.submit(task, now);
    }

    @Override
    public Cancellable schedule(long atNanos, Runnable task) {
      return engineLane.timed(atNanos, task);
    }

    @Override
    public void executeBlocking(Runnable task) {
      addressLane.submit(task, now + addressLatencyNanos);
    }

    @Override
    public <T> T call(Supplier<T> work, long deadlineNanos) {
      if (current == engineLane) {
        return work.get();
      }
      if (!engineLane.alive) {
        throw new RejectedExecutionException(engineLane.name + " stopped");
      }
      engineLane.drain();
      Lane before = current;
      current = engineLane;
      try {
        return work.get();
      } catch (RuntimeException e) {
        // As a caller on another thread sees it (RealTimeScheduler).
        throw new IllegalStateException(e.getMessage(), e);
      } finally {
        current = before;
      }
    }

    @Override
    public boolean stop(long deadlineNanos) {
      engineLane.alive = false;
      engineLane.ready.clear();
      addressLane.drain();
      addressLane.alive = false;
      return true;
    }

    /** The host died: nothing it had queued runs, on either lane. */
    public void kill() {
      engineLane.alive = false;
      engineLane.ready.clear();
      addressLane.alive = false;
      addressLane.ready.clear();
    }

    /** For the simulated address table and announcer: fail if called on the engine lane. */
    public void requireNotEngineLane(String what) {
      VirtualScheduler.this.requireNotEngineLane(what);
    }

    /** For listeners: fail unless called on this host's engine lane. */
    public void requireEngineLane(String what) {
      if (current != engineLane) {
        VirtualScheduler.this.requireEngineLane(what + " (" + engineLane.name + ")");
        throw new AssertionError(
            label
                + ": threading contract broken: "
                + what
                + " called on "
                + current.name
                + ", not on "
                + engineLane.name);
      }
    }
  }
}
