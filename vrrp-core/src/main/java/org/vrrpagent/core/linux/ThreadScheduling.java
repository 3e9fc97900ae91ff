package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Linux scheduling of one thread, through {@code java.lang.foreign}: its kernel thread id
 * ({@code gettid}), its nice value ({@code setpriority(PRIO_PROCESS, tid, …)}, which on Linux is
 * per thread) and its policy ({@code sched_setscheduler}, {@code SCHED_RR} for a real-time
 * priority). The daemon uses it for its engine thread, as keepalived's {@code vrrp_priority} and
 * {@code vrrp_rt_priority} do for its VRRP process.
 *
 * <p>Both settings carry {@code SCHED_RESET_ON_FORK}: a thread the engine thread starts does not
 * inherit the raised priority.
 */
public final class ThreadScheduling {
  /** {@code SCHED_OTHER}, the normal time-sharing policy. */
  public static final int SCHED_OTHER = 0;

  /** {@code SCHED_RR}, the real-time round-robin policy. */
  public static final int SCHED_RR = 2;

  static final int SCHED_RESET_ON_FORK = 0x40000000;
  private static final int PRIO_PROCESS = 0;

  /** The nice range, -20 (most favoured) .. 19. */
  public static final int MIN_NICE = -20;

  public static final int MAX_NICE = 19;

  /** The real-time priority range of {@code SCHED_RR}. */
  public static final int MIN_REALTIME = 1;

  public static final int MAX_REALTIME = 99;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle GETTID =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("gettid"), FunctionDescriptor.of(JAVA_INT));
  private static final MethodHandle SETPRIORITY =
      errnoHandle("setpriority", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SCHED_SETSCHEDULER =
      errnoHandle(
          "sched_setscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle SCHED_GETSCHEDULER =
      errnoHandle("sched_getscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private ThreadScheduling() {}

  private static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name),
        descriptor,
        Linker.Option.captureCallState("errno"));
  }

  /** The kernel refused a scheduling change. */
  public static final class RefusedException extends Exception {
    private final int errno;

    RefusedException(String function, int errno) {
      super(
          function
              + ": "
              + Libc.strerror(errno)
              + (errno == Libc.EPERM ? " (needs root or CAP_SYS_NICE)" : ""));
      this.errno = errno;
    }

    /** The errno value. */
    public int errno() {
      return errno;
    }
  }

  /** The calling thread's kernel thread id (what {@code /proc/self/task/TID} names). */
  public static int currentTid() {
    try {
      return (int) GETTID.invokeExact();
    } catch (Throwable t) {
      throw new AssertionError("gettid failed to link or run", t);
    }
  }

  /**
   * Gives thread {@code tid} the normal policy and nice value {@code nice} (-20..19; lower is more
   * CPU).
   */
  public static void setNice(int tid, int nice) throws RefusedException {
    if (nice < MIN_NICE || nice > MAX_NICE) {
      throw new IllegalArgumentException(
          "nice " + nice + " (expected: " + MIN_NICE + ".." + MAX_NICE + ")");
    }
    setScheduler(tid, SCHED_OTHER, 0);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE);
      int r = (int) SETPRIORITY.invokeExact(capture, PRIO_PROCESS, tid, nice);
      if (r != 0) {
        throw new RefusedException("setpriority", (int) ERRNO.get(capture, 0L));
      }
    } catch (RefusedException e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError("setpriority failed to link or run", t);
    }
  }

  /** Gives thread {@code tid} the real-time policy {@code SCHED_RR} at {@code priority} (1..99). */
  public static void setRealtime(int tid, int priority) throws RefusedException {
    if (priority < MIN_REALTIME || priority > MAX_REALTIME) {
      throw new IllegalArgumentException(
          "real-time priority "
              + priority
              + " (expected: "
              + MIN_REALTIME
              + ".."
              + MAX_REALTIME
              + ")");
    }
    setScheduler(tid, SCHED_RR, priority);
  }

  private static void setScheduler(int tid, int policy, int priority) throws RefusedException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE);
      MemorySegment param = arena.allocate(JAVA_INT);
      param.set(JAVA_INT, 0, priority);
      int r =
          (int) SCHED_SETSCHEDULER.invokeExact(capture, tid, policy | SCHED_RESET_ON_FORK, param);
      if (r != 0) {
        throw new RefusedException("sched_setscheduler", (int) ERRNO.get(capture, 0L));
      }
    } catch (RefusedException e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError("sched_setscheduler failed to link or run", t);
    }
  }

  /** Thread {@code tid}'s policy ({@link #SCHED_OTHER}, {@link #SCHED_RR}, …), without flags. */
  public static int policy(int tid) throws RefusedException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = arena.allocate(CAPTURE);
      int r = (int) SCHED_GETSCHEDULER.invokeExact(capture, tid);
      if (r < 0) {
        throw new RefusedException("sched_getscheduler", (int) ERRNO.get(capture, 0L));
      }
      return r & ~SCHED_RESET_ON_FORK;
    } catch (RefusedException e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError("sched_getscheduler failed to link or run", t);
    }
  }

  /**
   * What the kernel reports for thread {@code tid} of this process in {@code
   * /proc/self/task/TID/stat}: its nice value (field 19) and its real-time priority (field 40).
   */
  public record Observed(int nice, int realtimePriority) {}

  /** Reads {@link Observed} for thread {@code tid} of this process. */
  public static Observed observe(int tid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Field 2 (comm) is in parentheses and may hold spaces: count fields after its last ')'.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): field n is f[n - 3].
    return new Observed(Integer.parseInt(f[19 - 3]), Integer.parseInt(f[40 - 3]));
  }
}
