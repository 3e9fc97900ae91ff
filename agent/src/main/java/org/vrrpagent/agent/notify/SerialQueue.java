package org.vrrpagent.agent.notify;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded queue with its own thread that hands items to one handler, one at a time, in the order
 * offered. {@link #offer} never blocks: past the limit the oldest item is dropped, counted and
 * logged (the first drop of a run of drops at warn).
 */
final class SerialQueue<T> {
  private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);

  private final String name;
  private final int limit;
  private final Consumer<T> handler;
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final LongAdder dropped = new LongAdder();
  private final Thread thread;
  private boolean closing;
  private boolean busy;
  private boolean warned;

  SerialQueue(String name, int limit, Consumer<T> handler) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit + " (expected: at least 1)");
    }
    this.name = name;
    this.limit = limit;
    this.handler = handler;
    this.thread = Thread.ofPlatform().daemon().name("notify-" + name).unstarted(this::loop);
    thread.start();
  }

  /**
   * Enqueues; never blocks. False when an older item had to be dropped (or the queue is closed).
   */
  synchronized boolean offer(T item) {
    if (closing) {
      dropped.increment();
      log.warn("{}: closed, dropped {}", name, item);
      return false;
    }
    boolean kept = true;
    if (items.size() >= limit) {
      T old = items.removeFirst();
      dropped.increment();
      kept = false;
      if (!warned) {
        warned = true;
        log.warn(
            "{}: queue full ({} waiting), dropped the oldest: {} (further drops at debug level until it drains)",
            name,
            limit,
            old);
      } else {
        log.debug("{}: queue full, dropped {}", name, old);
      }
    }
    items.addLast(item);
    notifyAll();
    return kept;
  }

  synchronized int depth() {
    return items.size();
  }

  long dropped() {
    return dropped.sum();
  }

  /**
   * Stops taking items; lets the queue drain until {@code budget} has passed, then drops what is
   * left (counted). Returns true when everything was handled within the budget. The handler is
   * interrupted at the deadline; {@code atDeadline} runs first (e.g. to kill a process).
   */
  boolean close(Duration budget, Runnable atDeadline) {
    long deadline = System.nanoTime() + budget.toNanos();
    boolean drained;
    synchronized (this) {
      closing = true;
      notifyAll();
      while (!items.isEmpty() || busy) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      drained = items.isEmpty() && !busy;
      if (!drained) {
        int left = items.size();
        dropped.add(left);
        items.clear();
        if (left > 0) {
          log.warn("{}: {} item(s) not handled before shutdown, dropped", name, left);
        }
      }
    }
    if (drained) {
      return joined(deadline); // outside the lock: the thread needs it to see closing and end
    }
    atDeadline.run();
    thread.interrupt();
    joined(System.nanoTime() + Duration.ofMillis(500).toNanos());
    return false;
  }

  private boolean joined(long deadline) {
    try {
      thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }

  private void loop() {
    while (true) {
      T item;
      synchronized (this) {
        while (items.isEmpty() && !closing) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (items.isEmpty()) {
          notifyAll();
          return;
        }
        item = items.removeFirst();
        if (items.isEmpty()) {
          warned = false;
        }
        busy = true;
      }
      try {
        handler.accept(item);
      } catch (RuntimeException e) {
        log.error("{}: failed on {}", name, item, e);
      } finally {
        synchronized (this) {
          busy = false;
          notifyAll();
        }
      }
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
    }
  }
}
