package org.vrrpagent.base;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The system calls a process-group run needs that the JDK does not offer, through
 * java.lang.foreign: {@code kill(2)} on a whole group, {@code pipe2(2)}, {@code poll(2)}, {@code
 * read(2)}, {@code close(2)} and {@code pidfd_open(2)}. The only {@code kill} binding in the tree.
 */
final class ProcessCalls {
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;

  static final int O_NONBLOCK = 0x800;
  static final int O_CLOEXEC = 0x80000;
  static final short POLLIN = 0x1;
  static final short POLLERR = 0x8;
  static final short POLLHUP = 0x10;
  static final short POLLNVAL = 0x20;
  static final int EINTR = 4;
  static final int EAGAIN = 11;

  /** {@code struct pollfd}: int fd; short events; short revents. */
  static final int POLLFD_BYTES = 8;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle KILL =
      plain("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle PIPE2 =
      plain("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle CLOSE =
      plain("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle POLL =
      withErrno("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle READ =
      withErrno("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

  /** glibc 2.36+; without it runs notice the leader's exit by polling every few milliseconds. */
  private static final Optional<MethodHandle> PIDFD_OPEN =
      LINKER
          .defaultLookup()
          .find("pidfd_open")
          .map(f -> LINKER.downcallHandle(f, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)));

  private ProcessCalls() {}

  /**
   * Sends {@code signal} (0: only checks) to every process in group {@code pgid}; false when no
   * process is left in it (or none may be signalled).
   */
  static boolean killGroup(long pgid, int signal) {
    if (pgid <= 1 || pgid > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "process group " + pgid + " (expected: 2.." + Integer.MAX_VALUE + ")");
    }
    try {
      return (int) KILL.invokeExact(-(int) pgid, signal) == 0;
    } catch (Throwable t) {
      throw new IllegalStateException("kill(" + -pgid + ", " + signal + ") failed", t);
    }
  }

  /** A pipe, both ends close-on-exec and the read end non-blocking: {read, write}. */
  static int[] pipe() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(JAVA_INT, 2);
      if ((int) PIPE2.invokeExact(fds, O_CLOEXEC) != 0) {
        throw new IllegalStateException("pipe2 failed (too many open files?)");
      }
      int read = fds.getAtIndex(JAVA_INT, 0);
      int write = fds.getAtIndex(JAVA_INT, 1);
      setNonBlocking(read);
      return new int[] {read, write};
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("pipe2 failed", t);
    }
  }

  private static final MethodHandle FCNTL =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("fcntl"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2));
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;

  private static void setNonBlocking(int fd) throws Throwable {
    int flags = (int) FCNTL.invokeExact(fd, F_GETFL, 0);
    if (flags < 0 || (int) FCNTL.invokeExact(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
      throw new IllegalStateException("fcntl(O_NONBLOCK) failed on fd " + fd);
    }
  }

  static void close(int fd) {
    if (fd < 0) {
      return;
    }
    try {
      int ignored = (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new IllegalStateException("close(" + fd + ") failed", t);
    }
  }

  /**
   * A pidfd that becomes readable when {@code pid} exits, or -1 where the kernel or libc has none.
   */
  static int pidfdOpen(long pid) {
    if (PIDFD_OPEN.isEmpty()) {
      return -1;
    }
    try {
      return (int) PIDFD_OPEN.get().invokeExact((int) pid, 0);
    } catch (Throwable t) {
      return -1;
    }
  }

  /**
   * Waits until one of {@code fds} (negative entries are ignored) is readable or hung up, or {@code
   * timeoutMillis} passes; {@code revents} receives each one's events. Returns the number ready (0
   * on timeout or EINTR).
   */
  static int poll(Arena arena, int[] fds, short[] revents, int timeoutMillis) {
    MemorySegment set = arena.allocate(POLLFD_BYTES * (long) fds.length, 4);
    for (int i = 0; i < fds.length; i++) {
      set.set(JAVA_INT, i * (long) POLLFD_BYTES, fds[i]);
      set.set(JAVA_SHORT, i * (long) POLLFD_BYTES + 4, POLLIN);
      set.set(JAVA_SHORT, i * (long) POLLFD_BYTES + 6, (short) 0);
    }
    MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
    int n;
    try {
      n = (int) POLL.invokeExact(state, set, (long) fds.length, timeoutMillis);
    } catch (Throwable t) {
      throw new IllegalStateException("poll failed", t);
    }
    if (n < 0) {
      int errno = (int) ERRNO.get(state, 0L);
      if (errno == EINTR) {
        n = 0;
      } else {
        throw new IllegalStateException("poll failed: errno " + errno);
      }
    }
    for (int i = 0; i < fds.length; i++) {
      revents[i] = n == 0 ? 0 : set.get(JAVA_SHORT, i * (long) POLLFD_BYTES + 6);
    }
    return n;
  }

  /** Reads what is there: the byte count, 0 at end of file, -1 when nothing is there now. */
  static int read(Arena arena, int fd, MemorySegment buffer) {
    MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
    long n;
    try {
      n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
    } catch (Throwable t) {
      throw new IllegalStateException("read failed", t);
    }
    if (n < 0) {
      int errno = (int) ERRNO.get(state, 0L);
      if (errno == EAGAIN || errno == EINTR) {
        return -1;
      }
      return 0; // any other error ends this stream like end of file
    }
    return (int) n;
  }

  private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor);
  }

  private static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name),
        descriptor,
        Linker.Option.captureCallState("errno"));
  }
}
