package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive side of a watch socket (the ARP and the Neighbor Advertisement watches): its own
 * platform thread polls the socket (200 ms timeout), then reads one datagram with a non-blocking
 * {@code recvmsg} into a fixed buffer and hands it on. Receive errors are logged (the first and
 * every 100th in a row) and followed by a pause; a failing handler is logged and the loop goes on.
 * {@link #close} stops the thread (waiting at most 2 s) and the thread closes the descriptor.
 */
final class WatchReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchReader.class);
  private static final int POLL_MILLIS = 200;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  /** Told of each datagram, on the reader's thread; must not block. */
  @FunctionalInterface
  interface Handler {
    /**
     * @param sender the socket address the kernel filled in ({@code sockaddr_ll}, {@code
     *     sockaddr_in6} …), valid during the call
     * @param datagram the bytes read, at most the buffer's size
     */
    void received(MemorySegment sender, byte[] datagram);
  }

  private final String what;
  private final String interfaceName;
  private final int fd;
  private volatile boolean closed;
  private final Thread thread;

  private WatchReader(
      String what,
      String interfaceName,
      int fd,
      long senderBytes,
      int bufferBytes,
      Handler handler) {
    this.what = what;
    this.interfaceName = interfaceName;
    this.fd = fd;
    this.thread =
        Thread.ofPlatform()
            .name(what.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "-" + interfaceName)
            .daemon(true)
            .unstarted(() -> loop(senderBytes, bufferBytes, handler));
  }

  /**
   * Starts reading {@code fd}, which this reader owns from now on (closed when it stops).
   *
   * @param what for log lines and the thread's name, e.g. "ARP watch"
   */
  static WatchReader start(
      String what,
      String interfaceName,
      int fd,
      long senderBytes,
      int bufferBytes,
      Handler handler) {
    WatchReader r = new WatchReader(what, interfaceName, fd, senderBytes, bufferBytes, handler);
    r.thread.start();
    return r;
  }

  private void loop(long senderBytes, int bufferBytes, Handler handler) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment capture = Libc.allocateCapture(arena);
      MemorySegment pollfd = arena.allocate(8);
      MemorySegment name = arena.allocate(senderBytes);
      MemorySegment buffer = arena.allocate(bufferBytes);
      MemorySegment iov = arena.allocate(Libc.IOVEC_BYTES);
      iov.set(ADDRESS, 0, buffer);
      iov.set(JAVA_LONG, 8, buffer.byteSize());
      MemorySegment msg = arena.allocate(Libc.MSGHDR_BYTES);
      int errors = 0;
      while (!closed) {
        try {
          if (!Libc.pollIn(fd, POLL_MILLIS, pollfd, capture) || closed) {
            continue;
          }
          msg.fill((byte) 0);
          msg.set(ADDRESS, 0, name);
          msg.set(JAVA_INT, 8, (int) name.byteSize());
          msg.set(ADDRESS, 16, iov);
          msg.set(JAVA_LONG, 24, 1L);
          long n = Libc.recvmsg(fd, msg, Libc.MSG_DONTWAIT, capture);
          if (n < 0) {
            continue;
          }
          errors = 0;
          byte[] datagram = buffer.asSlice(0, Math.min(n, buffer.byteSize())).toArray(JAVA_BYTE);
          try {
            handler.received(name, datagram);
          } catch (RuntimeException e) {
            log.warn("{}: {} listener failed: {}", interfaceName, what, e.toString());
          }
        } catch (Libc.ErrnoException e) {
          if (closed) {
            break;
          }
          if (++errors == 1 || errors % 100 == 0) {
            log.warn(
                "{}: {}: receive failed ({} times in a row): {}",
                interfaceName,
                what,
                errors,
                e.getMessage());
          }
          try {
            Thread.sleep(POLL_MILLIS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
    } finally {
      Libc.closeQuietly(fd);
    }
  }

  /** Stops the thread (at most 2 s); idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (thread != Thread.currentThread()) {
      try {
        if (!thread.join(CLOSE_WAIT)) {
          log.warn("{}: {} thread did not stop within {}", interfaceName, what, CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
