package org.vrrpagent.agent.systemd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * One AF_UNIX datagram to a path, through {@code java.lang.foreign} (the JDK's own UNIX sockets are
 * stream-only). A name starting with {@code @} is in the abstract namespace.
 */
final class UnixDatagram {
  static final int AF_UNIX = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;

  /** {@code sizeof(sockaddr_un.sun_path)}. */
  static final int SUN_PATH_BYTES = 108;

  /** {@code offsetof(struct sockaddr_un, sun_path)}. */
  static final int SUN_PATH_OFFSET = 2;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle SOCKET =
      downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SENDTO =
      downcall(
          "sendto",
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle CLOSE =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("close").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("strerror").orElseThrow(),
          FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private UnixDatagram() {}

  static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().find(name).orElseThrow(),
        descriptor,
        Linker.Option.captureCallState("errno"));
  }

  /**
   * A {@code sockaddr_un} for {@code name} in {@code arena}; its length (the {@code socklen_t} to
   * pass) is the segment's size.
   *
   * @throws IllegalArgumentException a name too long or empty
   */
  static MemorySegment address(Arena arena, String name) {
    boolean isAbstract = name.startsWith("@");
    byte[] path = (isAbstract ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
    // A filesystem path needs its terminating NUL inside sun_path; an abstract name's leading NUL
    // takes that byte.
    int used = path.length + 1;
    if (name.isEmpty() || used > SUN_PATH_BYTES) {
      throw new IllegalArgumentException(
          "unix socket name '"
              + name
              + "' is "
              + path.length
              + " bytes (expected: 1.."
              + (SUN_PATH_BYTES - 1)
              + ")");
    }
    MemorySegment sa = arena.allocate(SUN_PATH_OFFSET + used);
    sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
    if (isAbstract) {
      sa.set(ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, (byte) 0);
      MemorySegment.copy(path, 0, sa, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET + 1, path.length);
      // The abstract name is exactly these bytes: no terminator counted.
      return sa;
    }
    MemorySegment.copy(path, 0, sa, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, path.length);
    sa.set(ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET + path.length, (byte) 0);
    return sa;
  }

  /**
   * Sends {@code message} to {@code name} in one datagram.
   *
   * @throws java.io.IOException with the C library's reason
   */
  static void send(String name, byte[] message) throws java.io.IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment errno = arena.allocate(CAPTURE);
      MemorySegment sa = address(arena, name);
      int fd = (int) SOCKET.invokeExact(errno, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw error("socket(AF_UNIX, SOCK_DGRAM)", errno);
      }
      try {
        MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, message);
        long sent =
            (long)
                SENDTO.invokeExact(
                    errno, fd, buf, (long) message.length, 0, sa, (int) sa.byteSize());
        if (sent < 0) {
          throw error("sendto " + name, errno);
        }
        if (sent != message.length) {
          throw new java.io.IOException(
              "sendto " + name + ": sent " + sent + " of " + message.length + " bytes");
        }
      } finally {
        int ignored = (int) CLOSE.invokeExact(fd);
      }
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call failed", t);
    }
  }

  static java.io.IOException error(String what, MemorySegment errnoState) {
    int errno = (int) ERRNO.get(errnoState, 0L);
    return new java.io.IOException(what + ": " + strerror(errno) + " (errno " + errno + ")");
  }

  static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.reinterpret(1024).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }
}
