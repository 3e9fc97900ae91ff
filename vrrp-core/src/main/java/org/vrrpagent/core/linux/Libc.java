package org.vrrpagent.core.linux;

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

/**
 * The C library calls the Linux transport needs, through {@code java.lang.foreign}. Each call that
 * can fail captures {@code errno} and throws {@link ErrnoException}; callers turn that into an
 * operator message naming the interface. Struct layouts are those of Linux on 64-bit x86 and ARM
 * (LP64), the only platforms we build for.
 */
final class Libc {
  // Address families and socket types.
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int AF_PACKET = 17;
  static final int AF_NETLINK = 16;
  static final int NETLINK_ROUTE = 0;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int IPPROTO_VRRP = 112;

  // setsockopt levels and options (linux/in.h, linux/in6.h, asm-generic/socket.h).
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_BINDTODEVICE = 25;
  static final int SO_RCVTIMEO = 20; // struct timeval; the 64-bit time_t one on LP64

  /** Receive timestamps as {@code struct timespec} (the 64-bit time_t one on LP64). */
  static final int SO_TIMESTAMPNS = 35;

  static final int SCM_TIMESTAMPNS = SO_TIMESTAMPNS;
  static final int SOL_NETLINK = 270;
  static final int NETLINK_CAP_ACK = 10;
  static final int NETLINK_EXT_ACK = 11;
  static final int IPPROTO_IP = 0;
  static final int IP_TOS = 1;
  static final int IP_TTL = 2;
  static final int IP_HDRINCL = 3;
  static final int IP_MTU_DISCOVER = 10;
  static final int IP_PMTUDISC_DONT = 0;
  static final int IP_MULTICAST_IF = 32;
  static final int IP_MULTICAST_TTL = 33;
  static final int IP_MULTICAST_LOOP = 34;
  static final int IP_ADD_MEMBERSHIP = 35;
  static final int IP_MULTICAST_ALL = 49;
  static final int IPPROTO_IPV6 = 41;
  static final int IPV6_UNICAST_HOPS = 16;
  static final int IPV6_MULTICAST_IF = 17;
  static final int IPV6_MULTICAST_HOPS = 18;
  static final int IPV6_MULTICAST_LOOP = 19;
  static final int IPV6_JOIN_GROUP = 20;
  static final int IPV6_MULTICAST_ALL = 29;
  static final int IPV6_RECVPKTINFO = 49;
  static final int IPV6_PKTINFO = 50;
  static final int IPV6_RECVHOPLIMIT = 51;
  static final int IPV6_HOPLIMIT = 52;
  static final int IPV6_TCLASS = 67;

  // poll, shutdown, recvmsg flags.
  static final short POLLIN = 1;
  static final int SHUT_RDWR = 2;
  static final int MSG_DONTWAIT = 0x40;
  static final int MSG_TRUNC = 0x20;

  // ioctl requests (linux/sockios.h).
  static final long SIOCGIFHWADDR = 0x8927;
  static final long SIOCGIFINDEX = 0x8933;

  // setns / open.
  static final int CLONE_NEWNET = 0x40000000;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;

  // errno values the transport explains.
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EEXIST = 17;
  static final int ENOBUFS = 105;
  static final int EACCES = 13;
  static final int ENODEV = 19;
  static final int EINVAL = 22;
  static final int EADDRNOTAVAIL = 99;
  static final int ENETDOWN = 100;
  static final int ENETUNREACH = 101;
  static final int ENOTCONN = 107;
  static final int ENOPROTOOPT = 92;

  // Struct sizes (LP64 Linux).
  static final int SOCKADDR_IN_BYTES = 16;
  static final int SOCKADDR_IN6_BYTES = 28;
  static final int SOCKADDR_LL_BYTES = 20;
  static final int SOCKADDR_NL_BYTES = 12;
  static final int MSGHDR_BYTES = 56;
  static final int IOVEC_BYTES = 16;
  static final int CMSGHDR_BYTES = 16;
  static final int IFREQ_BYTES = 40;
  static final int IFNAMSIZ = 16;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle SOCKET =
      errnoHandle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      errnoHandle(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle BIND =
      errnoHandle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SENDTO =
      errnoHandle(
          "sendto",
          FunctionDescriptor.of(
              JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SENDMSG =
      errnoHandle("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle RECVMSG =
      errnoHandle("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle POLL =
      errnoHandle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle SHUTDOWN =
      errnoHandle("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE =
      errnoHandle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle OPEN =
      errnoHandle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SETNS =
      errnoHandle("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle IOCTL =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("ioctl"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
          Linker.Option.firstVariadicArg(2),
          Linker.Option.captureCallState("errno"));
  private static final MethodHandle GETIFADDRS =
      errnoHandle("getifaddrs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle FREEIFADDRS =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("freeifaddrs"), FunctionDescriptor.ofVoid(ADDRESS));
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

  private Libc() {}

  private static MethodHandle errnoHandle(String name, FunctionDescriptor descriptor) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name),
        descriptor,
        Linker.Option.captureCallState("errno"));
  }

  /** A failed call: the function and the errno it left. */
  static final class ErrnoException extends Exception {
    final int errno;
    final String function;

    ErrnoException(String function, int errno) {
      super(function + ": " + strerror(errno));
      this.function = function;
      this.errno = errno;
    }

    /** The kernel's words, e.g. "Operation not permitted". */
    String reason() {
      return strerror(errno);
    }
  }

  static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.reinterpret(256).getString(0);
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }

  private static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
  }

  private static AssertionError unexpected(Throwable t) {
    return new AssertionError("native call failed to link or run", t);
  }

  static int socket(int domain, int type, int protocol) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int r = (int) SOCKET.invokeExact(cap, domain, type, protocol);
      if (r < 0) {
        throw new ErrnoException("socket", errno(cap));
      }
      return r;
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void setsockopt(int fd, int level, int option, MemorySegment value) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int r = (int) SETSOCKOPT.invokeExact(cap, fd, level, option, value, (int) value.byteSize());
      if (r < 0) {
        throw new ErrnoException("setsockopt", errno(cap));
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void setsockoptInt(int fd, int level, int option, int value) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment v = arena.allocate(JAVA_INT);
      v.set(JAVA_INT, 0, value);
      setsockopt(fd, level, option, v);
    }
  }

  static void bind(int fd, MemorySegment sockaddr) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int r = (int) BIND.invokeExact(cap, fd, sockaddr, (int) sockaddr.byteSize());
      if (r < 0) {
        throw new ErrnoException("bind", errno(cap));
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static long sendto(int fd, MemorySegment buffer, int flags, MemorySegment sockaddr)
      throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      long r =
          (long)
              SENDTO.invokeExact(
                  cap, fd, buffer, buffer.byteSize(), flags, sockaddr, (int) sockaddr.byteSize());
      if (r < 0) {
        throw new ErrnoException("sendto", errno(cap));
      }
      return r;
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * sendto(2) of the first {@code length} bytes of {@code buffer}, with a caller-owned errno
   * capture segment ({@link #allocateCapture}): no arena, no allocation per send.
   */
  static long sendto(
      int fd,
      MemorySegment buffer,
      long length,
      int flags,
      MemorySegment sockaddr,
      MemorySegment capture)
      throws ErrnoException {
    long r;
    try {
      r =
          (long)
              SENDTO.invokeExact(
                  capture, fd, buffer, length, flags, sockaddr, (int) sockaddr.byteSize());
    } catch (Throwable t) {
      throw unexpected(t);
    }
    if (r < 0) {
      throw new ErrnoException("sendto", errno(capture));
    }
    return r;
  }

  /** sendmsg(2) with a caller-owned errno capture segment: no arena, no allocation per send. */
  static long sendmsg(int fd, MemorySegment msghdr, int flags, MemorySegment capture)
      throws ErrnoException {
    long r;
    try {
      r = (long) SENDMSG.invokeExact(capture, fd, msghdr, flags);
    } catch (Throwable t) {
      throw unexpected(t);
    }
    if (r < 0) {
      throw new ErrnoException("sendmsg", errno(capture));
    }
    return r;
  }

  static long sendmsg(int fd, MemorySegment msghdr, int flags) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      long r = (long) SENDMSG.invokeExact(cap, fd, msghdr, flags);
      if (r < 0) {
        throw new ErrnoException("sendmsg", errno(cap));
      }
      return r;
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * recvmsg; returns the byte count, or -1 when nothing was waiting (EAGAIN) or a signal
   * interrupted.
   */
  static long recvmsg(int fd, MemorySegment msghdr, int flags, MemorySegment capture)
      throws ErrnoException {
    try {
      long r = (long) RECVMSG.invokeExact(capture, fd, msghdr, flags);
      if (r < 0) {
        int e = errno(capture);
        if (e == EAGAIN || e == EINTR) {
          return -1;
        }
        throw new ErrnoException("recvmsg", e);
      }
      return r;
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for {@code fd} to become readable; false on timeout or EINTR.
   */
  static boolean pollIn(int fd, int timeoutMillis, MemorySegment pollfd, MemorySegment capture)
      throws ErrnoException {
    pollfd.set(JAVA_INT, 0, fd);
    pollfd.set(JAVA_SHORT, 4, POLLIN);
    pollfd.set(JAVA_SHORT, 6, (short) 0);
    try {
      int r = (int) POLL.invokeExact(capture, pollfd, 1L, timeoutMillis);
      if (r < 0) {
        int e = errno(capture);
        if (e == EINTR) {
          return false;
        }
        throw new ErrnoException("poll", e);
      }
      return r > 0;
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static MemorySegment allocateCapture(Arena arena) {
    return arena.allocate(CAPTURE_LAYOUT);
  }

  /**
   * shutdown(2); errors ignored (ENOTCONN is normal for raw sockets, the wake-up still happens).
   */
  static void shutdownQuietly(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int ignored = (int) SHUTDOWN.invokeExact(cap, fd, SHUT_RDWR);
    } catch (Throwable t) {
      // nothing to do: close follows
    }
  }

  static void closeQuietly(int fd) {
    if (fd < 0) {
      return;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int ignored = (int) CLOSE.invokeExact(cap, fd);
    } catch (Throwable t) {
      // nothing to do
    }
  }

  static int open(String path, int flags) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int r = (int) OPEN.invokeExact(cap, arena.allocateFrom(path), flags);
      if (r < 0) {
        throw new ErrnoException("open", errno(cap));
      }
      return r;
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** setns(2): moves the calling thread into the namespace {@code fd} refers to. */
  static void setns(int fd, int nstype) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int r = (int) SETNS.invokeExact(cap, fd, nstype);
      if (r < 0) {
        throw new ErrnoException("setns", errno(cap));
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** ioctl(2) with a pointer argument (the ifreq requests). */
  static void ioctl(int fd, long request, MemorySegment arg) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      int r = (int) IOCTL.invokeExact(cap, fd, request, arg);
      if (r < 0) {
        throw new ErrnoException("ioctl", errno(cap));
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** getifaddrs(3); the list must be given back with {@link #freeifaddrs}. */
  static MemorySegment getifaddrs() throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cap = arena.allocate(CAPTURE_LAYOUT);
      MemorySegment out = arena.allocate(ADDRESS);
      int r = (int) GETIFADDRS.invokeExact(cap, out);
      if (r < 0) {
        throw new ErrnoException("getifaddrs", errno(cap));
      }
      return out.get(ADDRESS, 0);
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static void freeifaddrs(MemorySegment list) {
    try {
      FREEIFADDRS.invokeExact(list);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }
}
