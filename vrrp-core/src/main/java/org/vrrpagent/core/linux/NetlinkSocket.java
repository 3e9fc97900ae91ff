package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One {@code AF_NETLINK}/{@code NETLINK_ROUTE} socket: send a request to the kernel, receive one
 * datagram at a time into a bounded buffer. Nothing here reads a message; {@link RtnetlinkCodec}
 * does. Opened in the calling thread's network namespace, where it stays for its life.
 *
 * <p>Not thread-safe: the owner serialises every call, {@link #close} included (the address table
 * under its lock, the event watch on its one thread), so the descriptor and the native buffers are
 * never released under a call in progress.
 */
final class NetlinkSocket implements AutoCloseable {
  /**
   * Receive buffer: the kernel fills dump parts up to 32 KiB when the reader's buffer is that big
   * (and a single message never exceeds a page plus a little); 64 KiB leaves room.
   */
  static final int BUFFER_BYTES = 64 * 1024;

  /** Longest request we send (an address change is 40 bytes for IPv4, 64 for IPv6). */
  static final int MAX_REQUEST_BYTES = 256;

  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer;
  private final MemorySegment request;
  private final MemorySegment kernel;
  private final MemorySegment name;
  private final MemorySegment iov;
  private final MemorySegment msg;
  private final MemorySegment pollfd;
  private final MemorySegment capture;
  private final byte[] received = new byte[BUFFER_BYTES];
  private volatile boolean closed;

  private NetlinkSocket(int fd) {
    this.fd = fd;
    buffer = arena.allocate(BUFFER_BYTES);
    request = arena.allocate(MAX_REQUEST_BYTES);
    kernel = arena.allocate(Libc.SOCKADDR_NL_BYTES);
    kernel.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK); // port 0: the kernel
    name = arena.allocate(Libc.SOCKADDR_NL_BYTES);
    iov = arena.allocate(Libc.IOVEC_BYTES);
    iov.set(ADDRESS, 0, buffer);
    iov.set(JAVA_LONG, 8, (long) BUFFER_BYTES);
    msg = arena.allocate(Libc.MSGHDR_BYTES);
    pollfd = arena.allocate(8);
    capture = Libc.allocateCapture(arena);
  }

  /**
   * Opens a route socket in the calling thread's network namespace.
   *
   * @param groups the multicast groups to join ({@code RTMGRP_*} bits), 0 for none
   * @param receiveBufferBytes {@code SO_RCVBUF}, 0 for the kernel's default
   */
  static NetlinkSocket open(int groups, int receiveBufferBytes) throws Libc.ErrnoException {
    int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
    try {
      if (receiveBufferBytes > 0) {
        Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, receiveBufferBytes);
      }
      // The kernel's own words on a refusal (extended ack), and errors that do not echo the whole
      // request. Kernels before 4.12 lack them: not an error, the errno alone is still explained.
      optional(fd, Libc.NETLINK_EXT_ACK);
      optional(fd, Libc.NETLINK_CAP_ACK);
      try (Arena a = Arena.ofConfined()) {
        MemorySegment local = a.allocate(Libc.SOCKADDR_NL_BYTES);
        local.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        local.set(JAVA_INT, 8, groups); // nl_pid 0: the kernel picks our port id
        Libc.bind(fd, local);
      }
      return new NetlinkSocket(fd);
    } catch (Libc.ErrnoException | RuntimeException e) {
      Libc.closeQuietly(fd);
      throw e;
    }
  }

  private static void optional(int fd, int option) {
    try {
      Libc.setsockoptInt(fd, Libc.SOL_NETLINK, option, 1);
    } catch (Libc.ErrnoException e) {
      // ENOPROTOOPT on old kernels
    }
  }

  /** The socket's file descriptor (for {@code ioctl}s that name an interface in its namespace). */
  int fd() {
    return fd;
  }

  /** Sends {@code request} to the kernel. */
  void send(byte[] message) throws Libc.ErrnoException {
    if (message.length > MAX_REQUEST_BYTES) {
      throw new IllegalArgumentException(
          "request of " + message.length + " bytes (expected: at most " + MAX_REQUEST_BYTES + ")");
    }
    MemorySegment out = request.asSlice(0, message.length);
    MemorySegment.copy(message, 0, out, JAVA_BYTE, 0, message.length);
    long sent = Libc.sendto(fd, out, 0, kernel);
    if (sent != message.length) {
      throw new Libc.ErrnoException("sendto", Libc.EAGAIN);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for a datagram and reads it into {@link #data()}.
   *
   * @return its length; 0 when none came in time, or it was not from the kernel (skipped)
   * @throws Libc.ErrnoException on a receive error ({@code ENOBUFS}: events were lost)
   * @throws RtnetlinkCodec.MalformedNetlinkException when the datagram did not fit the buffer
   */
  int receive(int timeoutMillis) throws Libc.ErrnoException {
    if (!Libc.pollIn(fd, timeoutMillis, pollfd, capture) || closed) {
      return 0;
    }
    msg.fill((byte) 0);
    msg.set(ADDRESS, 0, name);
    msg.set(JAVA_INT, 8, Libc.SOCKADDR_NL_BYTES);
    msg.set(ADDRESS, 16, iov);
    msg.set(JAVA_LONG, 24, 1L);
    long n = Libc.recvmsg(fd, msg, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC, capture);
    if (n < 0) {
      return 0;
    }
    int flags = msg.get(JAVA_INT, 48);
    if ((flags & Libc.MSG_TRUNC) != 0 || n > BUFFER_BYTES) {
      throw new RtnetlinkCodec.MalformedNetlinkException(
          "a netlink datagram of " + n + " bytes (expected: at most " + BUFFER_BYTES + ")");
    }
    if (name.get(JAVA_INT, 4) != 0) {
      return 0; // from another process's socket, not from the kernel: not ours to believe
    }
    MemorySegment.copy(buffer, JAVA_BYTE, 0, received, 0, (int) n);
    return (int) n;
  }

  /** The last datagram {@link #receive} read (valid up to its length, until the next receive). */
  byte[] data() {
    return received;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Libc.closeQuietly(fd);
    arena.close();
  }
}
