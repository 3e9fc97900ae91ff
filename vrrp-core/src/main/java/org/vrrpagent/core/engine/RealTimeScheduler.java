package org.vrrpagent.core.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine on a host: {@link System#nanoTime()}, one engine thread ({@code vrrp-engine}) and one
 * address thread ({@code vrrp-addresses}), both platform threads at the highest Java priority.
 *
 * <p>The engine thread is a plain loop over two structures it alone owns: a queue of tasks ({@link
 * #execute}; packets, configuration calls; {@link #executeDeferred} queues without waking it) and
 * one {@link TimerHeap} holding every timer of every router. It runs at most {@value #BATCH} queued
 * tasks (a flood of packets cannot hold back a due advert for long), then the due timers, then
 * parks until the next deadline or the next task; before a precise timer (a takeover) it parks
 * until {@value #PRECISE_LEAD_NANOS} ns before it and waits the rest actively. Tasks go first
 * because they happened before the wake-up: a backup's deferred adverts from its master must re-arm
 * its down timer before that timer is looked at. Re-arming a router's timer moves it inside the
 * heap: no future, no queue node, no garbage per advert (a {@code ScheduledThreadPoolExecutor} made
 * a future and a lock round per arm and per cancel).
 */
public final class RealTimeScheduler implements EngineScheduler {
  private static final Logger log = LoggerFactory.getLogger(RealTimeScheduler.class);

  /** Tasks (or due timers) run in a row before the loop looks at the other kind again. */
  static final int BATCH = 256;

  /**
   * How long before a precise timer's deadline the engine thread stops parking and waits actively:
   * a parked thread woke 0.12 to 0.2 ms after its deadline in the lab on an idle machine, more
   * under load, where keepalived's whole takeover lateness was 0.15 ms. The cost is at most this
   * much CPU per precise deadline that is reached (a takeover); a backup hearing its master moves
   * its down timer long before (or, for deferred adverts, at the wake-up this lead brings forward).
   * Not longer: a thread that spins uses up its share of the CPU, and on a loaded host the kernel
   * may then run something else just when the deadline comes (one crash takeover at load 7 fired
   * 13.6 ms late with a 1 ms lead).
   */
  static final long PRECISE_LEAD_NANOS = 400_000;

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final TimerHeap timers = new TimerHeap(); // engine thread only
  private final ExecutorService addressThread;
  private final Thread engine;
  private volatile boolean stopped;
  private final long preciseLeadNanos;

  public RealTimeScheduler() {
    this(PRECISE_LEAD_NANOS);
  }

  /** With another lead before precise timers (tests). */
  RealTimeScheduler(long preciseLeadNanos) {
    this.preciseLeadNanos = preciseLeadNanos;
    this.addressThread =
        Executors.newSingleThreadExecutor(r -> platformThread(r, "vrrp-addresses"));
    this.engine = platformThread(this::runEngine, "vrrp-engine");
    this.engine.start();
  }

  private static Thread platformThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.setPriority(Thread.MAX_PRIORITY);
    return t;
  }

  /** The engine thread (for native scheduling settings such as its nice value). */
  public Thread engineThread() {
    return engine;
  }

  private void runEngine() {
    try {
      while (!stopped) {
        // Tasks first: what is queued happened before this wake-up (deferred packets among them,
        // which may move the timers that are due now).
        Runnable task;
        for (int i = 0; i < BATCH && !stopped && (task = tasks.poll()) != null; i++) {
          run(task);
        }
        long now = System.nanoTime();
        TimerHeap.Timer due;
        for (int i = 0; i < BATCH && !stopped && (due = timers.pollDue(now)) != null; i++) {
          run(due.task());
        }
        if (stopped || !tasks.isEmpty()) {
          continue;
        }
        long next = timers.nextDeadlineNanos();
        if (next == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          long wait = next - System.nanoTime();
          if (!timers.nextIsPrecise()) {
            if (wait > 0) {
              LockSupport.parkNanos(this, wait);
            }
          } else if (wait > preciseLeadNanos) {
            LockSupport.parkNanos(this, wait - preciseLeadNanos);
          } else {
            spinUntil(next);
          }
        }
      }
    } finally {
      timers.clear();
      tasks.clear();
    }
  }

  /**
   * Waits actively until {@code deadline}, a task is queued or the scheduler stops: the last
   * stretch ({@value #PRECISE_LEAD_NANOS} ns) before a precise timer.
   */
  private void spinUntil(long deadline) {
    while (System.nanoTime() - deadline < 0 && tasks.isEmpty() && !stopped) {
      Thread.onSpinWait();
    }
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable e) {
      // The engine handles its own failures; whatever still escapes must not end the thread.
      log.error("engine thread: a task threw (ignored): {}", e.toString(), e);
    }
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public boolean inEngineThread() {
    return Thread.currentThread() == engine;
  }

  @Override
  public void execute(Runnable task) {
    if (stopped) {
      throw new RejectedExecutionException("the engine thread stopped");
    }
    tasks.add(task);
    if (!inEngineThread()) {
      LockSupport.unpark(engine);
    }
  }

  /**
   * Queues {@code task} in the same queue, in order, without waking the engine thread: it runs at
   * the thread's next wake-up, before that wake-up's due timers.
   */
  @Override
  public void executeDeferred(Runnable task) {
    if (stopped) {
      throw new RejectedExecutionException("the engine thread stopped");
    }
    tasks.add(task);
  }

  @Override
  public Cancellable schedule(long atNanos, Runnable task) {
    Timer t = timer(task);
    t.arm(atNanos);
    return t;
  }

  @Override
  public Timer timer(Runnable task) {
    return timer(task, false);
  }

  @Override
  public Timer timer(Runnable task, boolean precise) {
    return new EngineTimer(timers.timer(task, precise));
  }

  /**
   * A {@link TimerHeap.Timer} that may also be armed or cancelled from another thread (the change
   * then goes through the task queue).
   */
  private final class EngineTimer implements Timer {
    private final TimerHeap.Timer timer;

    EngineTimer(TimerHeap.Timer timer) {
      this.timer = timer;
    }

    @Override
    public void arm(long atNanos) {
      if (inEngineThread()) {
        timer.arm(atNanos);
      } else {
        execute(() -> timer.arm(atNanos));
      }
    }

    @Override
    public void cancel() {
      if (inEngineThread()) {
        timer.cancel();
      } else if (!stopped) {
        try {
          execute(timer::cancel);
        } catch (RejectedExecutionException e) {
          // Stopped meanwhile: nothing runs any more.
        }
      }
    }
  }

  /** A daemon thread of the lowest Java priority ({@code vrrp-warm-up}) that ends with the work. */
  @Override
  public void warmUp(Runnable work) {
    Thread.ofPlatform().name("vrrp-warm-up").daemon(true).priority(Thread.MIN_PRIORITY).start(work);
  }

  @Override
  public void executeBlocking(Runnable task) {
    addressThread.execute(task);
  }

  @Override
  public <T> T call(Supplier<T> work, long deadlineNanos) throws TimeoutException {
    if (inEngineThread()) {
      return work.get();
    }
    CompletableFuture<T> f = CompletableFuture.supplyAsync(work, this::execute);
    try {
      return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public boolean stop(long deadlineNanos) {
    stopped = true;
    LockSupport.unpark(engine);
    addressThread.shutdown();
    try {
      return addressThread.awaitTermination(
          Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      addressThread.shutdownNow();
    }
  }
}
