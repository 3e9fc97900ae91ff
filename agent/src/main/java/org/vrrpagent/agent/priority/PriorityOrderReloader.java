package org.vrrpagent.agent.priority;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link PriorityOrderState} of one file: reads it now ({@link #loadNow()}) or, after a
 * burst of change signals ({@link #fileChanged()}), once the burst has been quiet for {@code quiet}
 * but never later than {@code maxDelay} after its first signal — an editor's temp-file-and-rename
 * or {@code sed -i} is one reload, and a change takes effect in well under a second. A malformed
 * file keeps the last good order; a missing file leaves everyone unlisted. The listener hears every
 * change of state (not every identical reload), on the scheduler's thread; it must not block.
 *
 * <p>The object's lock guards only the state and the debounce: no file is read and no listener runs
 * while it is held, so {@link #state()} (the control API's status) always answers at once. Reads
 * are serialized by a separate lock and each is time-limited ({@link PriorityOrderFile#read}:
 * regular files only, {@link PriorityOrderFile#READ_DEADLINE}), so a FIFO, a device or a hung file
 * system makes the file INVALID with the reason instead of stopping anything.
 */
public final class PriorityOrderReloader {
  public static final Duration DEFAULT_QUIET = Duration.ofMillis(50);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(250);
  private static final Logger LOG = LoggerFactory.getLogger(PriorityOrderReloader.class);

  private final Path file;
  private final DelayScheduler scheduler;
  private final Consumer<PriorityOrderState> listener;
  private final long quietNanos;
  private final long maxDelayNanos;

  private final ReentrantLock reloading = new ReentrantLock();
  private PriorityOrderState state;
  private DelayScheduler.Cancellable pending;
  private long generation;
  private long burstStartNanos;

  public PriorityOrderReloader(
      Path file, DelayScheduler scheduler, Consumer<PriorityOrderState> listener) {
    this(file, scheduler, listener, DEFAULT_QUIET, DEFAULT_MAX_DELAY);
  }

  public PriorityOrderReloader(
      Path file,
      DelayScheduler scheduler,
      Consumer<PriorityOrderState> listener,
      Duration quiet,
      Duration maxDelay) {
    this.file = Objects.requireNonNull(file, "file");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.listener = Objects.requireNonNull(listener, "listener");
    if (quiet.isNegative() || maxDelay.compareTo(quiet) < 0) {
      throw new IllegalArgumentException(
          "quiet " + quiet + ", maxDelay " + maxDelay + " (expected: 0 <= quiet <= maxDelay)");
    }
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
    this.state =
        new PriorityOrderState(
            file, Optional.empty(), PriorityOrderState.Status.MISSING, Optional.empty(), 0, 0);
  }

  public Path file() {
    return file;
  }

  public synchronized PriorityOrderState state() {
    return state;
  }

  /**
   * Reads the file now (at most {@link PriorityOrderFile#READ_DEADLINE}), cancelling a pending
   * debounced read.
   */
  public PriorityOrderState loadNow() {
    synchronized (this) {
      cancelPending();
    }
    reload();
    return state();
  }

  /** Something happened to the file (or its directory): reload after the debounce. */
  public synchronized void fileChanged() {
    long now = scheduler.nanoTime();
    if (pending == null) {
      burstStartNanos = now;
    } else {
      pending.cancel();
    }
    long delay = Math.max(0, Math.min(quietNanos, burstStartNanos + maxDelayNanos - now));
    long mine = ++generation;
    pending = scheduler.schedule(Duration.ofNanos(delay), () -> fire(mine));
  }

  private void fire(long scheduledGeneration) {
    synchronized (this) {
      if (scheduledGeneration != generation || pending == null) {
        return; // superseded by a later signal or a loadNow
      }
      pending = null;
    }
    reload();
  }

  private void cancelPending() {
    if (pending != null) {
      pending.cancel();
      pending = null;
      generation++;
    }
  }

  private void reload() {
    reloading.lock();
    try {
      read();
    } finally {
      reloading.unlock();
    }
  }

  /**
   * Holding {@link #reloading} only: reads, then swaps the state under the object's lock, then
   * tells the listener.
   */
  private void read() {
    PriorityOrder order = null;
    Exception failure = null;
    try {
      order = PriorityOrderFile.read(file);
    } catch (IOException | PriorityOrderException | RuntimeException e) {
      failure = e;
    }
    PriorityOrderState before;
    PriorityOrderState next;
    synchronized (this) {
      before = state;
      next = next(before, order, failure);
      state = next;
    }
    boolean changed =
        !next.order().equals(before.order())
            || next.status() != before.status()
            || !next.error().equals(before.error());
    if (!changed) {
      return;
    }
    switch (next.status()) {
      case OK -> LOG.info("{}: priority order {}", file, next.order().orElseThrow().hosts());
      case MISSING -> LOG.warn("{}: missing; every host is unlisted", file);
      case INVALID ->
          LOG.error(
              "{}: {}; keeping the last good order {}",
              file,
              next.error().orElseThrow(),
              next.order()
                  .map(PriorityOrder::hosts)
                  .map(Object::toString)
                  .orElse("(none: every host is unlisted)"));
    }
    try {
      listener.accept(next);
    } catch (RuntimeException e) {
      LOG.error("{}: priority-order listener failed", file, e);
    }
  }

  private PriorityOrderState next(
      PriorityOrderState before, PriorityOrder order, Exception failure) {
    long reloads = before.reloads() + 1;
    PriorityOrderState next;
    try {
      if (failure != null) {
        throw failure;
      }
      next =
          new PriorityOrderState(
              file,
              Optional.of(order),
              PriorityOrderState.Status.OK,
              Optional.empty(),
              reloads,
              before.failures());
    } catch (NoSuchFileException e) {
      next =
          new PriorityOrderState(
              file,
              Optional.empty(),
              PriorityOrderState.Status.MISSING,
              Optional.empty(),
              reloads,
              before.failures());
    } catch (PriorityOrderException e) {
      next =
          new PriorityOrderState(
              file,
              before.order(),
              PriorityOrderState.Status.INVALID,
              Optional.of(e.getMessage()),
              reloads,
              before.failures() + 1);
    } catch (Exception e) {
      String why =
          e instanceof java.nio.file.AccessDeniedException
              ? "permission denied"
              : String.valueOf(e.getMessage());
      next =
          new PriorityOrderState(
              file,
              before.order(),
              PriorityOrderState.Status.INVALID,
              Optional.of("cannot read: " + why),
              reloads,
              before.failures() + 1);
    }
    return next;
  }
}
