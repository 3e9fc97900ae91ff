package org.vrrpagent.core.engine;

import java.util.Arrays;

/**
 * Every timer of an engine in one structure: a binary min-heap of re-armable {@link Timer}s ordered
 * by deadline, then by when they were armed (two timers due at the same nanosecond run in the order
 * they were armed, as on a scheduled executor). A timer is made once (one per router and timer
 * name) and armed again and again: arming, re-arming and cancelling move it inside the heap and
 * allocate nothing, so 255 routers advertising every 100 ms cost no garbage and no per-timer
 * future.
 *
 * <p>Not thread-safe: one thread owns it (the engine thread in {@link RealTimeScheduler}).
 */
public final class TimerHeap {
  private Timer[] heap = new Timer[64];
  private int size;
  private long armedCount;

  /** A timer that runs {@code task} when it is due; not armed yet. */
  public Timer timer(Runnable task) {
    return timer(task, false);
  }

  /**
   * A timer that runs {@code task} when it is due; not armed yet. A {@code precise} one is a
   * deadline whose lateness matters ({@link #nextIsPrecise}): its owner may wait for it actively.
   */
  public Timer timer(Runnable task, boolean precise) {
    return new Timer(this, task, precise);
  }

  /** Armed timers. */
  public int size() {
    return size;
  }

  /** The earliest deadline, or {@link Long#MAX_VALUE} when nothing is armed. */
  public long nextDeadlineNanos() {
    return size == 0 ? Long.MAX_VALUE : heap[0].atNanos;
  }

  /** Whether the earliest timer is a precise one. */
  public boolean nextIsPrecise() {
    return size > 0 && heap[0].precise;
  }

  /**
   * Takes the earliest timer off the heap if it is due at {@code nowNanos} (its deadline is not
   * after it); null otherwise. The caller runs its {@link Timer#task()}.
   */
  public Timer pollDue(long nowNanos) {
    if (size == 0 || heap[0].atNanos - nowNanos > 0) {
      return null;
    }
    Timer t = heap[0];
    removeAt(0);
    return t;
  }

  /** Disarms every timer. */
  public void clear() {
    for (int i = 0; i < size; i++) {
      heap[i].index = -1;
      heap[i] = null;
    }
    size = 0;
  }

  private void arm(Timer t, long atNanos) {
    t.atNanos = atNanos;
    t.order = armedCount++;
    if (t.index < 0) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size * 2);
      }
      t.index = size;
      heap[size++] = t;
      siftUp(t.index);
    } else {
      // Re-armed in place: later than before (the usual case) sinks, earlier rises.
      siftDown(siftUp(t.index));
    }
  }

  private void cancel(Timer t) {
    if (t.index >= 0) {
      removeAt(t.index);
    }
  }

  private void removeAt(int i) {
    Timer removed = heap[i];
    removed.index = -1;
    size--;
    if (i == size) {
      heap[size] = null;
      return;
    }
    Timer last = heap[size];
    heap[size] = null;
    heap[i] = last;
    last.index = i;
    siftDown(siftUp(i));
  }

  private static boolean before(Timer a, Timer b) {
    long d = a.atNanos - b.atNanos;
    return d < 0 || (d == 0 && a.order < b.order);
  }

  private int siftUp(int i) {
    Timer t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      Timer p = heap[parent];
      if (!before(t, p)) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = t;
    t.index = i;
    return i;
  }

  private void siftDown(int i) {
    Timer t = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && before(heap[right], heap[child])) {
        child = right;
      }
      if (!before(heap[child], t)) {
        break;
      }
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = t;
    t.index = i;
  }

  /**
   * One re-armable timer of a {@link TimerHeap}: {@link #arm} sets (or moves) its deadline, {@link
   * #cancel} disarms it. Only the heap's owning thread may touch it.
   */
  public static final class Timer implements EngineScheduler.Timer {
    private final TimerHeap owner;
    private final Runnable task;
    private final boolean precise;
    private long atNanos;
    private long order;
    private int index = -1;

    private Timer(TimerHeap owner, Runnable task, boolean precise) {
      this.owner = owner;
      this.task = task;
      this.precise = precise;
    }

    @Override
    public void arm(long atNanos) {
      owner.arm(this, atNanos);
    }

    @Override
    public void cancel() {
      owner.cancel(this);
    }

    /** True while it waits in the heap. */
    public boolean armed() {
      return index >= 0;
    }

    public long deadlineNanos() {
      return atNanos;
    }

    public Runnable task() {
      return task;
    }
  }
}
