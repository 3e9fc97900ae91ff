package org.vrrpagent.agent.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM's job, each part with its own deadline and the whole with a hard one.
 *
 * <p>Steps are registered as the daemon starts things and run in reverse order; the {@linkplain
 * #addFirst first} steps (the engine's priority 0 and address removal, and closing the control API)
 * run together before all others. Every step runs on a thread of its own and is waited for at most
 * its deadline: a step that hangs is abandoned (its thread is a daemon thread) and named in the
 * result, and the next step runs. {@link #run} returns what was left undone; empty means everything
 * finished. Independently of all steps, {@link #watchdog} ends the process at {@link
 * #HARD_DEADLINE} after SIGTERM, whatever is still running.
 */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  /** From SIGTERM to exit, at most; below systemd's {@code TimeoutStopSec=10s}. */
  static final Duration HARD_DEADLINE = Duration.ofSeconds(8);

  /** A step without a deadline of its own. */
  static final Duration STEP_DEADLINE = Duration.ofSeconds(2);

  /** Exit status when something was left undone. */
  static final int EXIT_UNCLEAN = 3;

  /** One part of the job: returns null when done, else what it left undone. */
  @FunctionalInterface
  interface Step {
    String run() throws Exception;
  }

  private record Named(String name, Duration deadline, Step step) {}

  private final List<Named> first = new ArrayList<>();
  private final List<Named> rest = new ArrayList<>();
  private final List<String> running = new CopyOnWriteArrayList<>();

  /** A step run with the first ones, all at once, before every other step. */
  synchronized void addFirst(String name, Duration deadline, Step step) {
    first.add(new Named(name, deadline, step));
  }

  /** A step run after the first ones, in reverse order of registration. */
  synchronized void add(String name, Duration deadline, Step step) {
    rest.add(new Named(name, deadline, step));
  }

  synchronized void add(String name, AutoCloseable closeable) {
    add(
        name,
        STEP_DEADLINE,
        () -> {
          closeable.close();
          return null;
        });
  }

  /** What is running now (for the watchdog's last line). */
  List<String> running() {
    return List.copyOf(running);
  }

  /**
   * Runs every step, each within its deadline and all within {@code deadlineNanos} (on {@link
   * System#nanoTime}); returns what was left undone, one line each.
   */
  List<String> run(long deadlineNanos) {
    List<Named> firstSteps;
    List<Named> later;
    synchronized (this) {
      firstSteps = List.copyOf(first);
      later = List.copyOf(rest).reversed();
    }
    List<String> left = new ArrayList<>();
    List<CompletableFuture<String>> started = new ArrayList<>();
    for (Named n : firstSteps) {
      started.add(start(n));
    }
    for (int i = 0; i < firstSteps.size(); i++) {
      String undone = await(firstSteps.get(i), started.get(i), deadlineNanos);
      if (undone != null) {
        left.add(undone);
      }
    }
    for (Named n : later) {
      if (deadlineNanos - System.nanoTime() <= 0) {
        left.add(n.name() + ": not started (the shutdown deadline had passed)");
        continue;
      }
      String undone = await(n, start(n), deadlineNanos);
      if (undone != null) {
        left.add(undone);
      }
    }
    return left;
  }

  private CompletableFuture<String> start(Named n) {
    CompletableFuture<String> result = new CompletableFuture<>();
    running.add(n.name());
    Thread.ofPlatform()
        .daemon()
        .name("shutdown " + n.name())
        .start(
            () -> {
              try {
                result.complete(n.step().run());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              } finally {
                running.remove(n.name());
              }
            });
    return result;
  }

  private static String await(Named n, CompletableFuture<String> result, long deadlineNanos) {
    long wait = Math.min(n.deadline().toNanos(), Math.max(0, deadlineNanos - System.nanoTime()));
    try {
      String undone = result.get(wait, TimeUnit.NANOSECONDS);
      return undone == null ? null : n.name() + ": " + undone;
    } catch (TimeoutException e) {
      log.error("shutdown: {} did not finish within {} ms; abandoned", n.name(), wait / 1_000_000);
      return n.name() + ": did not finish within " + wait / 1_000_000 + " ms";
    } catch (ExecutionException e) {
      log.warn("shutdown: {} failed: {}", n.name(), e.getCause().toString());
      return n.name() + ": failed: " + e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return n.name() + ": interrupted";
    }
  }

  /**
   * Starts the hard deadline: if the process still runs {@code deadline} from now, it logs what was
   * still running and halts with {@link #EXIT_UNCLEAN}, without waiting for anything.
   */
  static void watchdog(Duration deadline, Shutdown shutdown) {
    Thread.ofPlatform()
        .daemon()
        .name("shutdown-watchdog")
        .start(
            () -> {
              try {
                Thread.sleep(deadline);
              } catch (InterruptedException e) {
                return;
              }
              log.error(
                  "shutdown did not finish within {} s (still running: {}); exiting with status {} anyway",
                  deadline.toSeconds(),
                  String.join(", ", shutdown.running()),
                  EXIT_UNCLEAN);
              System.err.flush();
              System.out.flush();
              Runtime.getRuntime().halt(EXIT_UNCLEAN);
            });
  }
}
