package org.vrrpagent.core.engine;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Where the {@link Engine} gets its time and its threads. The engine reads no clock and starts no
 * thread of its own: on a host it runs on {@link RealTimeScheduler} (the monotonic clock, one
 * engine thread, one address thread); in the simulation on a virtual clock whose tasks run one at a
 * time in virtual-time order ({@code org.vrrpagent.core.sim.VirtualScheduler}). Those two are the
 * only difference between a seeded simulated run and the daemon.
 *
 * <p>Two lanes of work:
 *
 * <ul>
 *   <li>the <b>engine thread</b> runs every state machine step, every timer and every listener
 *       call, one task at a time, in order: {@link #execute}, {@link #schedule}, {@link #call}. It
 *       waits on nothing but its own queue;
 *   <li>the <b>address lane</b> runs address changes and announcements (they fork {@code ip} or
 *       write to packet sockets, and may take milliseconds) in submission order, never on the
 *       engine thread: {@link #executeBlocking}.
 * </ul>
 */
public interface EngineScheduler {

  /** Monotonic nanoseconds (only differences matter). */
  long nanoTime();

  /** True on the engine thread (inside one of its tasks). */
  boolean inEngineThread();

  /**
   * Runs {@code task} on the engine thread after the tasks already due.
   *
   * @throws RejectedExecutionException once stopped
   */
  void execute(Runnable task);

  /**
   * Like {@link #execute}, but the engine thread need not wake up for it: it runs when the thread
   * next wakes for something else (a due timer, another task), before that wake-up's due timers, in
   * order with the other deferred tasks. For work that only has to be done by the next timer
   * deadline (a backup hearing an advert it already heard). By default it is {@link #execute}.
   *
   * @throws RejectedExecutionException once stopped
   */
  default void executeDeferred(Runnable task) {
    execute(task);
  }

  /**
   * Runs {@code task} on the engine thread at {@code atNanos} on this clock (at once if that is
   * past), unless cancelled first.
   *
   * @throws RejectedExecutionException once stopped
   */
  Cancellable schedule(long atNanos, Runnable task);

  /**
   * A re-armable timer for {@code task} on the engine thread: made once (one per router and timer
   * name), then {@link Timer#arm armed}, re-armed and cancelled as often as needed. Arm and cancel
   * it only on the engine thread. {@link RealTimeScheduler} keeps all of them in one {@link
   * TimerHeap} and allocates nothing per arm; this default builds it on {@link #schedule} (one task
   * per arm, as the simulation's virtual clock wants).
   */
  default Timer timer(Runnable task) {
    return new Timer() {
      private Cancellable pending;

      @Override
      public void arm(long atNanos) {
        cancel();
        Cancellable[] self = new Cancellable[1];
        self[0] =
            schedule(
                atNanos,
                () -> {
                  // Cancelled or re-armed after it was queued to run: it must not fire.
                  if (pending == self[0]) {
                    pending = null;
                    task.run();
                  }
                });
        pending = self[0];
      }

      @Override
      public void cancel() {
        if (pending != null) {
          pending.cancel();
          pending = null;
        }
      }
    };
  }

  /**
   * Runs {@code work} once on a thread of its own, never the engine thread, to warm code that the
   * engine runs rarely but must run fast (a takeover: {@code TakeoverRehearsal}). {@code work} must
   * touch nothing the engine uses. By default it does not run (the simulation's virtual clock has
   * no JIT to warm).
   */
  default void warmUp(Runnable work) {}

  /** Runs {@code task} on the address lane, after the tasks already given to it. */
  void executeBlocking(Runnable task);

  /**
   * Runs {@code work} on the engine thread and returns its result; from the engine thread itself it
   * runs at once. For callers on other threads: it waits until {@code deadlineNanos}.
   *
   * @throws TimeoutException when the engine thread did not answer by the deadline
   * @throws IllegalStateException when {@code work} threw (its message), or the caller was
   *     interrupted
   * @throws RejectedExecutionException once stopped
   */
  <T> T call(Supplier<T> work, long deadlineNanos) throws TimeoutException;

  /**
   * Stops the engine thread at once (pending tasks and timers are dropped) and lets the address
   * lane finish what it was given, until {@code deadlineNanos}.
   *
   * @return true when the address lane finished in time
   */
  boolean stop(long deadlineNanos);

  /**
   * As {@link #timer(Runnable)}; a {@code precise} timer is one whose lateness matters (a backup's
   * Master_Down_Timer: the takeover advert follows it), which {@link RealTimeScheduler} waits for
   * actively over its last stretch instead of relying on a parked thread's wake-up. By default the
   * same as {@link #timer(Runnable)}.
   */
  default Timer timer(Runnable task, boolean precise) {
    return timer(task);
  }

  /** A timer that may be armed again after it ran or was cancelled ({@link #timer}). */
  interface Timer extends Cancellable {
    /** Runs the timer's task at {@code atNanos} (at once if that is past); moves it if armed. */
    void arm(long atNanos);
  }

  /** A scheduled task that may still be cancelled. */
  interface Cancellable {
    /** It will not run (unless it is running already). */
    void cancel();
  }
}
