package org.vrrpagent.agent.systemd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/** What systemd's side is: a bound AF_UNIX datagram socket, read with a receive timeout. */
public final class NotifySocket implements AutoCloseable {
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final MethodHandle SOCKET =
      UnixDatagram.downcall(
          "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle BIND =
      UnixDatagram.downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      UnixDatagram.downcall(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle RECV =
      UnixDatagram.downcall(
          "recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle CLOSE =
      Linker.nativeLinker()
          .downcallHandle(
              Linker.nativeLinker().defaultLookup().find("close").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private final Arena arena = Arena.ofShared();
  private final MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
  private final int fd;

  /**
   * Binds {@code name} (a path or {@code @abstract}); receives wait at most {@code timeoutSeconds}.
   */
  public NotifySocket(String name, int timeoutSeconds) throws Throwable {
    fd =
        (int)
            SOCKET.invokeExact(
                errno,
                UnixDatagram.AF_UNIX,
                UnixDatagram.SOCK_DGRAM | UnixDatagram.SOCK_CLOEXEC,
                0);
    if (fd < 0) {
      throw UnixDatagram.error("socket", errno);
    }
    MemorySegment sa = UnixDatagram.address(arena, name);
    if ((int) BIND.invokeExact(errno, fd, sa, (int) sa.byteSize()) < 0) {
      throw UnixDatagram.error("bind " + name, errno);
    }
    MemorySegment timeval = arena.allocate(16);
    timeval.set(ValueLayout.JAVA_LONG, 0, timeoutSeconds);
    if ((int) SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) < 0) {
      throw UnixDatagram.error("setsockopt SO_RCVTIMEO", errno);
    }
  }

  /** The next datagram, or an IOException when none came within the timeout. */
  public String receive() throws Throwable {
    MemorySegment buf = arena.allocate(4096);
    long n = (long) RECV.invokeExact(errno, fd, buf, 4096L, 0);
    if (n < 0) {
      throw UnixDatagram.error("recv", errno);
    }
    return new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    try {
      int ignored = (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw new IOException(t);
    } finally {
      arena.close();
    }
  }
}
