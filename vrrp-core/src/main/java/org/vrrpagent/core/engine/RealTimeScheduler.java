package org.vrrpagent.core.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The engine on a host: {@link System#nanoTime()}, one engine thread ({@code vrrp-engine}) and one
 * address thread ({@code vrrp-addresses}), both platform threads at the highest priority so that a
 * busy JVM delays an advertisement as little as it can.
 */
public final class RealTimeScheduler implements EngineScheduler {
  private final ScheduledThreadPoolExecutor engineThread;
  private final ExecutorService addressThread;
  private volatile Thread engine;

  public RealTimeScheduler() {
    this.engineThread =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = platformThread(r, "vrrp-engine");
              engine = t;
              return t;
            });
    this.engineThread.setRemoveOnCancelPolicy(true);
    this.engineThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.addressThread =
        Executors.newSingleThreadExecutor(r -> platformThread(r, "vrrp-addresses"));
  }

  private static Thread platformThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.setPriority(Thread.MAX_PRIORITY);
    return t;
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
    engineThread.execute(task);
  }

  @Override
  public Cancellable schedule(long atNanos, Runnable task) {
    long delay = Math.max(0, atNanos - System.nanoTime());
    ScheduledFuture<?> f = engineThread.schedule(task, delay, TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
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
    CompletableFuture<T> f = CompletableFuture.supplyAsync(work, engineThread);
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
    engineThread.shutdownNow();
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
