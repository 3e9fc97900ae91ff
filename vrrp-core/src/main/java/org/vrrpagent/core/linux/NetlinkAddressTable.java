package org.vrrpagent.core.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.core.io.AddressTable;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.linux.RtnetlinkCodec.Ack;
import org.vrrpagent.core.linux.RtnetlinkCodec.AddressMessage;
import org.vrrpagent.core.linux.RtnetlinkCodec.Done;
import org.vrrpagent.core.linux.RtnetlinkCodec.MalformedNetlinkException;
import org.vrrpagent.core.linux.RtnetlinkCodec.Message;

/**
 * The address table through rtnetlink, as keepalived keeps it: one {@code NETLINK_ROUTE} socket,
 * {@code RTM_NEWADDR} / {@code RTM_DELADDR} with an acknowledgement asked, an {@code RTM_GETADDR}
 * dump to list. No process is started; an add is one system-call round trip (tens of microseconds,
 * where forking {@code ip addr add} took milliseconds).
 *
 * <p>The requests are the ones {@code ip addr add|del ADDRESS/PREFIX dev NAME [nodad]} sends (see
 * {@link RtnetlinkCodec}), so an address looks the same in {@code ip addr} whichever added it.
 * Adding an address already there ({@code EEXIST}) and removing one already gone ({@code
 * EADDRNOTAVAIL}) are not errors. Any other refusal is one line: the interface, what we tried, the
 * kernel's words (its extended-ack text when it gives one) and a hint ({@link KernelErrors}).
 *
 * <p>Limits: every reply within {@link #REPLY_TIMEOUT}; a reply with another sequence number (a
 * late answer to a request that timed out) is skipped, at most {@link #MAX_STALE_DATAGRAMS} times;
 * a dump is at most {@link #MAX_ADDRESSES} addresses, and is repeated (at most {@link
 * #DUMP_ATTEMPTS} times) when the kernel flags it interrupted by a change.
 *
 * <p>The socket is opened in the network namespace of the thread that calls {@link #open}, and
 * interface names are resolved in that namespace too ({@code SIOCGIFINDEX} on the netlink socket),
 * whatever thread calls later. Thread-safe: one request at a time, under a lock.
 */
public final class NetlinkAddressTable implements AddressTable, AutoCloseable {
  /** Time limit for the kernel's answer to one request (it answers in microseconds). */
  public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

  /** Datagrams with another sequence number skipped while waiting for an answer. */
  static final int MAX_STALE_DATAGRAMS = 64;

  /** Most addresses a listing reads, all interfaces together. */
  public static final int MAX_ADDRESSES = 65_536;

  /** Dumps repeated when the kernel flags one inconsistent. */
  static final int DUMP_ATTEMPTS = 3;

  private final ReentrantLock lock = new ReentrantLock();
  private final NetlinkSocket socket;
  private int sequence = (int) (System.nanoTime() & 0x3fffffff);
  private boolean closed;

  private NetlinkAddressTable(NetlinkSocket socket) {
    this.socket = socket;
  }

  /**
   * Opens the socket in the calling thread's network namespace.
   *
   * @throws TransportException when the kernel refuses a netlink socket
   */
  public static NetlinkAddressTable open() {
    try {
      return new NetlinkAddressTable(NetlinkSocket.open(0, 0));
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain("netlink", "cannot open the rtnetlink socket", e);
    }
  }

  @Override
  public List<InterfaceAddress> list(String interfaceName) {
    lock.lock();
    try {
      int index = index(interfaceName, "cannot list addresses");
      List<InterfaceAddress> out = new ArrayList<>();
      for (AddressMessage m : dump(interfaceName)) {
        if (m.interfaceIndex() == index) {
          out.add(m.address());
        }
      }
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Every address of every interface in this namespace, as the kernel lists them (one dump).
   *
   * @throws TransportException when the dump fails
   */
  public List<AddressMessage> listAll() {
    lock.lock();
    try {
      return dump("netlink");
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void add(String interfaceName, InterfaceAddress address) {
    change(true, interfaceName, address);
  }

  @Override
  public void remove(String interfaceName, InterfaceAddress address) {
    change(false, interfaceName, address);
  }

  private void change(boolean add, String interfaceName, InterfaceAddress address) {
    String action = (add ? "cannot add " : "cannot remove ") + address;
    lock.lock();
    try {
      int index = index(interfaceName, action);
      int seq = next();
      Ack ack =
          exchange(
              interfaceName, action, seq, RtnetlinkCodec.addressChange(add, seq, index, address));
      if (ack.errno() == 0) {
        return;
      }
      if (add && ack.errno() == Libc.EEXIST) {
        return; // already there
      }
      if (!add && ack.errno() == Libc.EADDRNOTAVAIL) {
        // Gone already; unless it is there with another prefix length (then it was not removed).
        for (AddressMessage m : dump(interfaceName)) {
          if (m.interfaceIndex() == index && m.address().address().equals(address.address())) {
            throw new TransportException(
                interfaceName
                    + ": "
                    + action
                    + ": it is on the interface as "
                    + m.address()
                    + ", with another prefix length (remove it with `ip addr del "
                    + m.address()
                    + " dev "
                    + interfaceName
                    + "`)");
          }
        }
        return;
      }
      throw refused(interfaceName, action, ack);
    } finally {
      lock.unlock();
    }
  }

  private static TransportException refused(String interfaceName, String action, Ack ack) {
    Libc.ErrnoException e = new Libc.ErrnoException("rtnetlink", ack.errno());
    return KernelErrors.explain(interfaceName, action, e, ack.detail());
  }

  private int next() {
    sequence = (sequence + 1) & 0x7fffffff;
    if (sequence == 0) {
      sequence = 1;
    }
    return sequence;
  }

  private void checkOpen() {
    if (closed) {
      throw new TransportException("netlink: the address table is closed");
    }
  }

  /** The interface's index in the socket's namespace. */
  private int index(String interfaceName, String action) {
    checkOpen();
    if (interfaceName.isEmpty() || interfaceName.length() >= Libc.IFNAMSIZ) {
      throw new TransportException(
          interfaceName
              + ": "
              + action
              + ": interface name \""
              + interfaceName
              + "\" (expected: 1..15 characters)");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment ifreq = arena.allocate(Libc.IFREQ_BYTES);
      ifreq.copyFrom(arena.allocateFrom(interfaceName));
      Libc.ioctl(socket.fd(), Libc.SIOCGIFINDEX, ifreq);
      return ifreq.get(JAVA_INT, Libc.IFNAMSIZ);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(interfaceName, action, e);
    }
  }

  /** Sends {@code request} and returns the kernel's acknowledgement or refusal of it. */
  private Ack exchange(String interfaceName, String action, int seq, byte[] request) {
    send(interfaceName, action, request);
    long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
    int stale = 0;
    while (true) {
      for (Message m : receive(interfaceName, action, deadline)) {
        if (m.sequence() != seq) {
          continue;
        }
        if (m instanceof Ack a) {
          return a;
        }
      }
      if (++stale > MAX_STALE_DATAGRAMS) {
        throw new TransportException(
            interfaceName
                + ": "
                + action
                + ": no answer to our request among "
                + MAX_STALE_DATAGRAMS
                + " netlink datagrams");
      }
    }
  }

  /** One dump of every address, repeated when the kernel flags it interrupted. */
  private List<AddressMessage> dump(String interfaceName) {
    String action = "cannot list addresses";
    for (int attempt = 1; ; attempt++) {
      int seq = next();
      send(interfaceName, action, RtnetlinkCodec.addressDump(seq));
      long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
      List<AddressMessage> out = new ArrayList<>();
      boolean interrupted = false;
      int stale = 0;
      boolean done = false;
      while (!done) {
        boolean ours = false;
        for (Message m : receive(interfaceName, action, deadline)) {
          if (m.sequence() != seq) {
            continue;
          }
          ours = true;
          interrupted |= m.dumpInterrupted();
          switch (m) {
            case AddressMessage a -> {
              if (out.size() == MAX_ADDRESSES) {
                throw new TransportException(
                    interfaceName
                        + ": "
                        + action
                        + ": more than "
                        + MAX_ADDRESSES
                        + " addresses on this host (the limit)");
              }
              out.add(a);
            }
            case Done d -> {
              if (d.errno() != 0) {
                throw refused(interfaceName, action, new Ack(seq, d.errno(), 0, ""));
              }
              done = true;
            }
            case Ack a -> {
              if (a.errno() != 0) {
                throw refused(interfaceName, action, a);
              }
            }
            default -> {}
          }
        }
        if (!ours && ++stale > MAX_STALE_DATAGRAMS) {
          throw new TransportException(
              interfaceName
                  + ": "
                  + action
                  + ": no answer to our dump among "
                  + MAX_STALE_DATAGRAMS
                  + " netlink datagrams");
        }
      }
      if (!interrupted) {
        return out;
      }
      if (attempt == DUMP_ATTEMPTS) {
        throw new TransportException(
            interfaceName
                + ": "
                + action
                + ": the addresses kept changing during "
                + DUMP_ATTEMPTS
                + " dumps in a row; the next look tries again");
      }
    }
  }

  private void send(String interfaceName, String action, byte[] request) {
    try {
      socket.send(request);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain(interfaceName, action, e);
    }
  }

  /** The next datagram's messages; throws when none comes before {@code deadlineNanos}. */
  private List<Message> receive(String interfaceName, String action, long deadlineNanos) {
    while (true) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new TransportException(
            interfaceName
                + ": "
                + action
                + ": the kernel did not answer within "
                + DurationText.of(REPLY_TIMEOUT));
      }
      try {
        int n = socket.receive((int) Math.max(1, Math.min(left / 1_000_000, Integer.MAX_VALUE)));
        if (n == 0) {
          continue;
        }
        return RtnetlinkCodec.decode(socket.data(), n);
      } catch (Libc.ErrnoException e) {
        throw KernelErrors.explain(interfaceName, action, e);
      } catch (MalformedNetlinkException e) {
        throw new TransportException(
            interfaceName + ": " + action + ": unreadable netlink answer: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        socket.close();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "rtnetlink address table";
  }
}
