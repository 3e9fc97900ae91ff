package org.vrrpagent.core.lab;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delay half of a lab {@link Impairment}: a userspace nfnetlink_queue listener that holds every
 * packet the kernel queues to it for a configured delay (plus a uniform jitter, which reorders
 * packets closer together than the jitter) and then lets it go ({@code NF_ACCEPT}). It speaks the
 * nfnetlink_queue protocol itself over an {@code AF_NETLINK}/{@code NETLINK_NETFILTER} socket bound
 * with {@code java.lang.foreign}: no libnetfilter_queue.
 *
 * <p>The queue is bounded: the kernel's queue length is set to {@code maxPending} with {@code
 * NFQA_CFG_F_FAIL_OPEN}, so a packet arriving when that many wait is accepted at once instead of
 * dropped (the {@code --queue-bypass} rule does the same when no relay is bound); the relay also
 * counts and accepts at once anything beyond its own bound. {@link #close()} accepts whatever still
 * waits before it unbinds, so closing loses nothing.
 *
 * <p>Open it on a thread that is inside the target network namespace ({@link
 * NetnsLab#inNamespace}): the socket, and so the queue it binds, belong to the namespace the
 * opening thread is in. Its one worker thread is started from there too (it needs no namespace: it
 * only uses the socket).
 */
final class NfQueueRelay implements AutoCloseable {
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_NETFILTER = 12;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int EAGAIN = 11;
  private static final int EINTR = 4;
  private static final int ENOBUFS = 105;
  private static final short POLLIN = 1;

  private static final int NLMSG_HDRLEN = 16;
  private static final int NLMSG_ERROR = 2;
  private static final int NLM_F_REQUEST = 1;
  private static final int NLM_F_ACK = 4;
  private static final int NFNL_SUBSYS_QUEUE = 3;
  private static final int NFQNL_MSG_PACKET = 0;
  private static final int NFQNL_MSG_VERDICT = 1;
  private static final int NFQNL_MSG_CONFIG = 2;
  private static final int NFQA_PACKET_HDR = 1;
  private static final int NFQA_VERDICT_HDR = 2;
  private static final int NFQA_CFG_CMD = 1;
  private static final int NFQA_CFG_PARAMS = 2;
  private static final int NFQA_CFG_QUEUE_MAXLEN = 3;
  private static final int NFQA_CFG_MASK = 4;
  private static final int NFQA_CFG_FLAGS = 5;
  private static final int NFQNL_CFG_CMD_BIND = 1;
  private static final int NFQNL_CFG_CMD_UNBIND = 2;
  private static final int NFQNL_COPY_META = 1;
  private static final int NFQA_CFG_F_FAIL_OPEN = 1;
  private static final int NF_ACCEPT = 1;

  private static final int BUFFER_BYTES = 1 << 16;
  private static final int RCVBUF_BYTES = 4 << 20;
  private static final long IDLE_POLL_MILLIS = 100;

  private static final ValueLayout.OfInt BE_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfShort BE_SHORT =
      ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle SOCKET =
      handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle BIND =
      handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SETSOCKOPT =
      handle(
          "setsockopt",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SEND =
      handle("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle RECV =
      handle("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle POLL =
      handle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle CLOSE =
      handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(
          LINKER.defaultLookup().findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));

  /** A queued packet: its kernel id and when it is due. */
  private record Held(long dueNanos, long order, int id) implements Comparable<Held> {
    @Override
    public int compareTo(Held o) {
      int c = Long.compare(dueNanos, o.dueNanos);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }

  private final int queue;
  private final long delayNanos;
  private final long jitterNanos;
  private final int maxPending;
  private final Random random;
  private final int fd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment rx = arena.allocate(BUFFER_BYTES, 8);
  private final MemorySegment tx = arena.allocate(256, 8);
  private final MemorySegment pollfd = arena.allocate(8, 4);
  private final MemorySegment capture = arena.allocate(CAPTURE);
  private final PriorityQueue<Held> pending = new PriorityQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong released = new AtomicLong();
  private final AtomicLong overflowed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private volatile String lastError = "";
  private volatile boolean stopping;
  private Thread worker;
  private long order;
  private int seq;

  private NfQueueRelay(int queue, Duration delay, Duration jitter, int maxPending, long seed)
      throws NativeException {
    this.queue = queue;
    this.delayNanos = delay.toNanos();
    this.jitterNanos = jitter.toNanos();
    this.maxPending = maxPending;
    this.random = new Random(seed);
    this.fd = call("socket", SOCKET, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  }

  /**
   * Opens the netlink socket in the calling thread's network namespace, binds {@code queue} and
   * starts the worker.
   *
   * @throws IllegalStateException with the kernel's reason when the queue cannot be bound (no
   *     nfnetlink_queue, not permitted, the queue number taken)
   */
  static NfQueueRelay start(
      int queue, Duration delay, Duration jitter, int maxPending, long seed, String name) {
    if (delay.isNegative() || jitter.isNegative() || jitter.compareTo(delay) > 0) {
      throw new IllegalArgumentException(
          "delay " + delay + ", jitter " + jitter + " (expected: 0 <= jitter <= delay)");
    }
    if (maxPending < 1 || maxPending > 65_536) {
      throw new IllegalArgumentException("maxPending " + maxPending + " (expected: 1..65536)");
    }
    NfQueueRelay relay;
    try {
      relay = new NfQueueRelay(queue, delay, jitter, maxPending, seed);
    } catch (NativeException e) {
      throw new IllegalStateException("nfnetlink_queue: " + e.getMessage(), e);
    }
    try {
      relay.configure();
    } catch (NativeException | RuntimeException e) {
      relay.closeSocket();
      throw new IllegalStateException(
          "nfnetlink_queue: cannot bind queue " + queue + ": " + e.getMessage(), e);
    }
    relay.worker = Thread.ofPlatform().name(name).daemon(true).start(relay::loop);
    return relay;
  }

  /** Packets the kernel handed us. */
  long queued() {
    return queued.get();
  }

  /** Packets let go after their delay (or at close). */
  long released() {
    return released.get();
  }

  /** Packets let go at once because {@code maxPending} were already held. */
  long overflowed() {
    return overflowed.get();
  }

  /** Failed sends or receives (the last one's reason in {@link #lastError()}). */
  long errors() {
    return errors.get();
  }

  String lastError() {
    return lastError;
  }

  boolean running() {
    return worker != null && worker.isAlive();
  }

  private void configure() throws NativeException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(JAVA_INT);
      v.set(JAVA_INT, 0, RCVBUF_BYTES);
      call("setsockopt", SETSOCKOPT, fd, SOL_SOCKET, SO_RCVBUF, v, 4);
      MemorySegment nl =
          a.allocate(12, 4); // sockaddr_nl: family, pad, pid 0 (kernel picks), groups 0
      nl.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
      call("bind", BIND, fd, nl, 12);
    }
    // BIND the queue, then metadata-only copies, the queue bound, and fail-open when full.
    int at = config();
    at = attr(at, NFQA_CFG_CMD, 4);
    tx.set(ValueLayout.JAVA_BYTE, at - 4, (byte) NFQNL_CFG_CMD_BIND);
    tx.set(BE_SHORT, at - 2, (short) 0);
    sendAndAwaitAck(at);
    at = config();
    at = attr(at, NFQA_CFG_PARAMS, 5);
    tx.set(BE_INT, at - 8, 0); // copy_range (5-byte payload padded to 8)
    tx.set(ValueLayout.JAVA_BYTE, at - 4, (byte) NFQNL_COPY_META);
    at = attr(at, NFQA_CFG_QUEUE_MAXLEN, 4);
    tx.set(BE_INT, at - 4, maxPending);
    at = attr(at, NFQA_CFG_MASK, 4);
    tx.set(BE_INT, at - 4, NFQA_CFG_F_FAIL_OPEN);
    at = attr(at, NFQA_CFG_FLAGS, 4);
    tx.set(BE_INT, at - 4, NFQA_CFG_F_FAIL_OPEN);
    sendAndAwaitAck(at);
  }

  /** Writes a config message's headers into {@code tx}; returns the offset after them. */
  private int config() {
    tx.fill((byte) 0);
    header(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK);
    return NLMSG_HDRLEN + 4;
  }

  private void header(int type, int flags) {
    tx.set(JAVA_INT, 4, 0);
    tx.set(ValueLayout.JAVA_SHORT, 4, (short) ((NFNL_SUBSYS_QUEUE << 8) | type));
    tx.set(ValueLayout.JAVA_SHORT, 6, (short) flags);
    tx.set(JAVA_INT, 8, ++seq);
    tx.set(JAVA_INT, 12, 0);
    tx.set(ValueLayout.JAVA_BYTE, 16, (byte) 0); // nfgenmsg: AF_UNSPEC
    tx.set(ValueLayout.JAVA_BYTE, 17, (byte) 0); // NFNETLINK_V0
    tx.set(BE_SHORT, 18, (short) queue);
  }

  /** Appends an attribute header for a {@code payload}-byte value; returns the aligned end. */
  private int attr(int at, int type, int payload) {
    tx.set(ValueLayout.JAVA_SHORT, at, (short) (4 + payload));
    tx.set(ValueLayout.JAVA_SHORT, at + 2, (short) type);
    return at + 4 + ((payload + 3) & ~3);
  }

  private void sendAndAwaitAck(int length) throws NativeException {
    int mySeq = seq;
    tx.set(JAVA_INT, 0, length);
    send(length);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (!awaitReadable(500)) {
        continue;
      }
      long n = call("recv", RECV, fd, rx, (long) BUFFER_BYTES, 0);
      int off = 0;
      while (off + NLMSG_HDRLEN <= n) {
        int len = rx.get(JAVA_INT, off);
        int type = rx.get(ValueLayout.JAVA_SHORT, off + 4) & 0xffff;
        int s = rx.get(JAVA_INT, off + 8);
        if (type == NLMSG_ERROR && s == mySeq) {
          int error = rx.get(JAVA_INT, off + NLMSG_HDRLEN);
          if (error != 0) {
            throw new NativeException("nfqueue config", -error);
          }
          return;
        }
        if (len < NLMSG_HDRLEN) {
          break;
        }
        off += (len + 3) & ~3;
      }
    }
    throw new IllegalStateException("no answer from nfnetlink_queue within 5 s");
  }

  private void send(int length) throws NativeException {
    call("send", SEND, fd, tx, (long) length, 0);
  }

  private boolean awaitReadable(long millis) throws NativeException {
    pollfd.set(JAVA_INT, 0, fd);
    pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
    pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
    int r = call("poll", POLL, pollfd, 1L, (int) millis);
    return r > 0;
  }

  private void loop() {
    while (!stopping) {
      try {
        long wait = IDLE_POLL_MILLIS;
        Held next = pending.peek();
        if (next != null) {
          long ms = TimeUnit.NANOSECONDS.toMillis(next.dueNanos() - System.nanoTime());
          wait = Math.max(0, Math.min(wait, ms + 1));
        }
        if (awaitReadable(wait)) {
          receiveAll();
        }
        releaseDue(System.nanoTime());
      } catch (NativeException e) {
        if (e.errno != EINTR) {
          errors.incrementAndGet();
          lastError = e.getMessage();
          if (e.errno != ENOBUFS && !stopping) {
            sleepQuietly(); // do not spin on a persistent error
          }
        }
      }
    }
  }

  private void receiveAll() throws NativeException {
    while (true) {
      long n;
      try {
        n = call("recv", RECV, fd, rx, (long) BUFFER_BYTES, MSG_DONTWAIT);
      } catch (NativeException e) {
        if (e.errno == EAGAIN) {
          return;
        }
        throw e;
      }
      int off = 0;
      while (off + NLMSG_HDRLEN <= n) {
        int len = rx.get(JAVA_INT, off);
        if (len < NLMSG_HDRLEN || off + len > n) {
          break;
        }
        int type = rx.get(ValueLayout.JAVA_SHORT, off + 4) & 0xffff;
        if (type == ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) {
          packet(off, len);
        }
        off += (len + 3) & ~3;
      }
    }
  }

  private void packet(int msg, int len) throws NativeException {
    int at = msg + NLMSG_HDRLEN + 4;
    int end = msg + len;
    while (at + 4 <= end) {
      int alen = rx.get(ValueLayout.JAVA_SHORT, at) & 0xffff;
      int atype = rx.get(ValueLayout.JAVA_SHORT, at + 2) & 0x3fff;
      if (alen < 4) {
        return;
      }
      if (atype == NFQA_PACKET_HDR && alen >= 4 + 7) {
        int id = rx.get(BE_INT, at + 4);
        queued.incrementAndGet();
        if (pending.size() >= maxPending) {
          overflowed.incrementAndGet();
          verdict(id);
          return;
        }
        long jitter = jitterNanos == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * jitterNanos);
        pending.add(new Held(System.nanoTime() + delayNanos + jitter, order++, id));
        return;
      }
      at += (alen + 3) & ~3;
    }
  }

  private void releaseDue(long now) throws NativeException {
    Held h;
    while ((h = pending.peek()) != null && h.dueNanos() - now <= 0) {
      pending.poll();
      verdict(h.id());
    }
  }

  private void verdict(int id) throws NativeException {
    tx.fill((byte) 0);
    header(NFQNL_MSG_VERDICT, NLM_F_REQUEST);
    int at = attr(NLMSG_HDRLEN + 4, NFQA_VERDICT_HDR, 8);
    tx.set(BE_INT, at - 8, NF_ACCEPT);
    tx.set(BE_INT, at - 4, id);
    tx.set(JAVA_INT, 0, at);
    send(at);
    released.incrementAndGet();
  }

  /**
   * Stops the worker, accepts every packet still held, unbinds the queue and closes the socket.
   * Waits at most a few seconds for the worker.
   */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    if (worker != null) {
      try {
        worker.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (worker == null || !worker.isAlive()) {
      try {
        receiveAll();
        Held h;
        while ((h = pending.poll()) != null) {
          verdict(h.id());
        }
        int at = config();
        at = attr(at, NFQA_CFG_CMD, 4);
        tx.set(ValueLayout.JAVA_BYTE, at - 4, (byte) NFQNL_CFG_CMD_UNBIND);
        tx.set(JAVA_INT, 0, at);
        send(at);
      } catch (NativeException | RuntimeException e) {
        lastError = "at close: " + e.getMessage();
      }
      closeSocket();
      arena.close();
    }
  }

  private void closeSocket() {
    try {
      call("close", CLOSE, fd);
    } catch (NativeException e) {
      // closing our own descriptor; nothing left to do
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ native calls

  /** A failed native call: the function and errno. */
  static final class NativeException extends Exception {
    final int errno;

    NativeException(String function, int errno) {
      super(function + ": " + strerror(errno));
      this.errno = errno;
    }
  }

  private static MethodHandle handle(String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(
        LINKER.defaultLookup().findOrThrow(name), d, Linker.Option.captureCallState("errno"));
  }

  private int call(String function, MethodHandle h, Object... args) throws NativeException {
    Object[] all = new Object[args.length + 1];
    all[0] = capture;
    System.arraycopy(args, 0, all, 1, args.length);
    long r;
    try {
      Object o = h.invokeWithArguments(all);
      r = o instanceof Long l ? l : (Integer) o;
    } catch (Throwable t) {
      throw new AssertionError("native call " + function + " failed to run", t);
    }
    if (r < 0) {
      throw new NativeException(function, (int) ERRNO.get(capture, 0L));
    }
    return (int) Math.min(r, Integer.MAX_VALUE);
  }

  private static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
      return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }
}
