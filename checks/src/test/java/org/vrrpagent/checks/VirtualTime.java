package org.vrrpagent.checks;

import java.util.PriorityQueue;

/**
 * A virtual clock and a single-threaded task queue driven by the test: nothing runs until time is
 * advanced. Public for the agent's tests (through this module's test-jar).
 */
public final class VirtualTime implements Ticker, TaskScheduler {
  private record Entry(long dueNanos, long seq, Runnable task, boolean[] cancelled) {}

  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.dueNanos != b.dueNanos
                  ? Long.compare(a.dueNanos, b.dueNanos)
                  : Long.compare(a.seq, b.seq));
  private long nowNanos;
  private long seq;

  @Override
  public long nanoTime() {
    return nowNanos;
  }

  @Override
  public void execute(Runnable task) {
    queue.add(new Entry(nowNanos, seq++, task, new boolean[1]));
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    boolean[] cancelled = new boolean[1];
    queue.add(new Entry(nowNanos + Math.max(0, delayNanos), seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Runs everything due up to and including {@code targetNanos}, then sets the clock there. */
  public void advanceTo(long targetNanos) {
    int guard = 0;
    while (!queue.isEmpty() && queue.peek().dueNanos <= targetNanos) {
      if (++guard > 10_000_000) {
        throw new IllegalStateException("runaway task queue at " + nowNanos);
      }
      Entry e = queue.poll();
      nowNanos = e.dueNanos;
      if (!e.cancelled[0]) {
        e.task.run();
      }
    }
    nowNanos = targetNanos;
  }

  public void advanceBy(long nanos) {
    advanceTo(nowNanos + nanos);
  }

  /** How many tasks wait, not counting cancelled ones. */
  public long pendingTasks() {
    return queue.stream().filter(e -> !e.cancelled[0]).count();
  }

  /** Runs what is due now. */
  public void runDue() {
    advanceTo(nowNanos);
  }
}
