package org.vrrpagent.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs checks on their intervals and turns results into up/down states with keepalived's rise/fall
 * rules.
 *
 * <p>Pure scheduling: time comes from a {@link Ticker} and every action runs on a {@link
 * TaskScheduler}, so tests drive it in virtual time and production gives it one platform thread.
 * That thread only starts probes (which return at once) and books results; it never waits for I/O.
 *
 * <p>Per check:
 *
 * <ul>
 *   <li>Runs start at fixed times {@code first + k × interval}; a run still in flight when the next
 *       is due makes that run skipped (counted as {@code skipped}), as keepalived does. One
 *       exception: if the run in flight was already booked as timed out (its probe is finishing,
 *       e.g. a script in its kill grace), the due run starts as soon as that probe finishes; if
 *       another interval passes first, it is skipped.
 *   <li>The first run is spread over the first interval by a hash of the check's name and a seed,
 *       so that many checks do not all fire at once; deterministic for a given seed and name.
 *   <li>A run not finished after {@code timeout} is booked down ("timed out after 1s"); its late
 *       result, when it comes, is counted as late and dropped. The run stays in flight until the
 *       probe finishes.
 *   <li>Rise/fall: {@code rise} up results in a row turn a down check up, {@code fall} down results
 *       in a row turn an up check down; a single opposite result resets the partial count.
 * </ul>
 *
 * Public methods may be called from any thread; they hand their work to the task scheduler's
 * thread.
 */
public final class CheckScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckScheduler.class);

  private final Ticker ticker;
  private final TaskScheduler tasks;
  private final long spreadSeed;
  private final boolean spreadFirstRuns;
  private final Map<String, CheckRun> checks = new LinkedHashMap<>(); // scheduler thread only
  private final Map<String, CheckRun> published = new ConcurrentHashMap<>();
  private final List<CheckListener> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder listenerErrors = new LongAdder();
  private boolean started; // scheduler thread only
  private boolean closed; // scheduler thread only

  /**
   * @param ticker the clock
   * @param tasks where the scheduler's work runs
   * @param spreadSeed seed of the first-run spread (the agent passes a fixed value so restarts look
   *     alike)
   * @param spreadFirstRuns false to start every check's first run at once (tests, the one-shot CLI)
   */
  public CheckScheduler(
      Ticker ticker, TaskScheduler tasks, long spreadSeed, boolean spreadFirstRuns) {
    this.ticker = ticker;
    this.tasks = tasks;
    this.spreadSeed = spreadSeed;
    this.spreadFirstRuns = spreadFirstRuns;
  }

  public void addListener(CheckListener listener) {
    listeners.add(listener);
  }

  public void removeListener(CheckListener listener) {
    listeners.remove(listener);
  }

  /** Listener calls that threw. */
  public long listenerErrors() {
    return listenerErrors.sum();
  }

  /**
   * Adds a check; it starts running when the scheduler is started (at once if it already is). The
   * scheduler owns the probe from now on and closes it when the check is removed or the scheduler
   * closed.
   *
   * @throws IllegalArgumentException if a check of that name exists
   */
  public void add(CheckSpec spec, Probe probe) {
    if (published.putIfAbsent(spec.name(), new CheckRun(spec, probe)) != null) {
      throw new IllegalArgumentException("check " + spec.name() + ": already exists");
    }
    CheckRun run = published.get(spec.name());
    tasks.execute(
        () -> {
          if (closed) {
            probe.close();
            return;
          }
          checks.put(spec.name(), run);
          if (started) {
            scheduleFirst(run);
          }
        });
  }

  /** Stops and forgets a check; its probe is closed. Unknown names are ignored. */
  public void remove(String name) {
    CheckRun run = published.remove(name);
    if (run == null) {
      return;
    }
    tasks.execute(
        () -> {
          checks.remove(name);
          run.stop();
        });
  }

  /** Starts every check added so far, and any added later. */
  public void start() {
    tasks.execute(
        () -> {
          if (started || closed) {
            return;
          }
          started = true;
          checks.values().forEach(this::scheduleFirst);
        });
  }

  /**
   * Runs a check now (e.g. its file changed); if a run is in flight, once more as soon as it
   * finishes, so a change during a run is not missed. The regular schedule is unchanged.
   */
  public void runNow(String name) {
    tasks.execute(
        () -> {
          CheckRun run = checks.get(name);
          if (run == null || !started || run.stopped) {
            return;
          }
          if (run.inFlight) {
            run.startWhenFree = true;
          } else {
            run.startRun();
          }
        });
  }

  public Optional<CheckStatus> status(String name) {
    return Optional.ofNullable(published.get(name)).map(CheckRun::snapshot);
  }

  /** Snapshots of every check, by name. */
  public List<CheckStatus> statuses() {
    List<CheckStatus> all = new ArrayList<>();
    published.values().forEach(r -> all.add(r.snapshot()));
    all.sort(java.util.Comparator.comparing(CheckStatus::name));
    return all;
  }

  /** Whether a check is up now; false for unknown checks. */
  public boolean isUp(String name) {
    CheckRun run = published.get(name);
    return run != null && run.up;
  }

  @Override
  public void close() {
    tasks.execute(
        () -> {
          closed = true;
          checks.values().forEach(CheckRun::stop);
          checks.clear();
        });
    published.clear();
  }

  /**
   * Offset of a check's first run into its interval: a hash of seed and name, uniform over [0,
   * interval).
   */
  public static long firstRunOffsetNanos(long seed, String name, long intervalNanos) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (int i = 0; i < name.length(); i++) {
      h = mix(h + name.charAt(i));
    }
    return Math.floorMod(mix(h), intervalNanos);
  }

  private static long mix(long z) { // SplitMix64 finaliser
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private void scheduleFirst(CheckRun run) {
    long offset =
        spreadFirstRuns ? firstRunOffsetNanos(spreadSeed, run.spec.name(), run.intervalNanos) : 0;
    run.nextDueNanos = ticker.nanoTime() + offset;
    run.armNext();
  }

  private void emit(CheckRun run, ProbeResult result, CheckTransition transition) {
    for (CheckListener l : listeners) {
      try {
        l.onResult(run.spec.name(), result);
        if (transition != null) {
          l.onTransition(transition);
        }
      } catch (RuntimeException e) {
        listenerErrors.increment();
        log.warn("check listener {} failed on check {}", l, run.spec.name(), e);
      }
    }
  }

  /**
   * One check's schedule and state. Mutated on the scheduler thread; the volatile fields are read
   * anywhere.
   */
  private final class CheckRun {
    final CheckSpec spec;
    final Probe probe;
    final long intervalNanos;
    final long timeoutNanos;
    final CheckCounters counters = new CheckCounters();
    volatile boolean up;
    volatile int partialCount;
    volatile ProbeResult lastResult;
    boolean inFlight;
    boolean startWhenFree; // a due run waits for a timed-out run that has not finished yet
    long waitedForRun = -1; // the run a due run waited for (only once per run)
    boolean stopped;
    long runId;
    boolean bookedCurrentRun;
    long runStartedNanos;
    long nextDueNanos;
    TaskScheduler.Cancellable nextRunTimer;
    TaskScheduler.Cancellable timeoutTimer;

    CheckRun(CheckSpec spec, Probe probe) {
      this.spec = spec;
      this.probe = probe;
      this.intervalNanos = spec.interval().toNanos();
      this.timeoutNanos = spec.timeout().toNanos();
      this.up = spec.initial() == CheckSpec.Initial.UP;
    }

    CheckStatus snapshot() {
      return new CheckStatus(
          spec.name(),
          spec.probe().describe(),
          up,
          partialCount,
          Optional.ofNullable(lastResult),
          counters);
    }

    void armNext() {
      if (stopped) {
        return;
      }
      nextRunTimer = tasks.schedule(this::due, nextDueNanos - ticker.nanoTime());
    }

    void due() {
      if (stopped) {
        return;
      }
      if (inFlight && bookedCurrentRun && waitedForRun != runId) {
        // The previous run is booked (timed out) but its probe is still finishing, typically a
        // probe that
        // honours the same timeout a moment after us: start as soon as it is done.
        startWhenFree = true;
        waitedForRun = runId;
      } else if (inFlight) {
        startWhenFree = false;
        counters.countSkip();
        log.debug("check {}: previous run still going, run skipped", spec.name());
      } else {
        startRun();
      }
      nextDueNanos += intervalNanos;
      armNext();
    }

    void startRun() {
      inFlight = true;
      bookedCurrentRun = false;
      long id = ++runId;
      runStartedNanos = ticker.nanoTime();
      timeoutTimer = tasks.schedule(() -> onTimeout(id), timeoutNanos);
      CompletionStage<ProbeResult> stage;
      try {
        stage = probe.run(spec.timeout());
      } catch (RuntimeException e) {
        stage =
            java.util.concurrent.CompletableFuture.completedFuture(
                ProbeResult.down("probe failed: " + e, 0));
      }
      stage.whenComplete(
          (result, error) -> {
            ProbeResult r =
                result != null
                    ? result
                    : ProbeResult.down(
                        "probe failed: " + error, Math.max(0, ticker.nanoTime() - runStartedNanos));
            tasks.execute(() -> onComplete(id, r));
          });
    }

    void onTimeout(long id) {
      if (stopped || id != runId || !inFlight || bookedCurrentRun) {
        return;
      }
      bookedCurrentRun = true;
      book(ProbeResult.timedOut(spec.timeout(), timeoutNanos), true);
    }

    void onComplete(long id, ProbeResult result) {
      if (id != runId) {
        return;
      }
      inFlight = false;
      if (stopped) {
        return;
      }
      if (bookedCurrentRun) {
        counters.countLate();
        if (startWhenFree) {
          startWhenFree = false;
          startRun();
        }
        return;
      }
      bookedCurrentRun = true;
      timeoutTimer.cancel();
      book(result, false);
      if (startWhenFree) { // runNow() came during this run
        startWhenFree = false;
        startRun();
      }
    }

    /** Applies one result: counters, last result, rise/fall (keepalived semantics). */
    void book(ProbeResult result, boolean timedOut) {
      counters.countResult(result, timedOut);
      lastResult = result;
      CheckTransition transition = null;
      if (result.isUp() == up) {
        partialCount = 0; // one result agreeing with the state resets the count toward a change
      } else {
        int needed = up ? spec.fall() : spec.rise();
        partialCount++;
        if (partialCount >= needed) {
          up = !up;
          partialCount = 0;
          transition = new CheckTransition(spec.name(), up, result);
          log.info(
              "check {}: {} -> {} ({})",
              spec.name(),
              up ? "DOWN" : "UP",
              up ? "UP" : "DOWN",
              result.reason());
        }
      }
      emit(this, result, transition);
    }

    void stop() {
      stopped = true;
      if (nextRunTimer != null) {
        nextRunTimer.cancel();
      }
      if (timeoutTimer != null) {
        timeoutTimer.cancel();
      }
      try {
        probe.close();
      } catch (RuntimeException e) {
        log.warn("check {}: closing probe failed", spec.name(), e);
      }
    }
  }
}
