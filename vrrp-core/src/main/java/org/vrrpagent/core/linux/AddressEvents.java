package org.vrrpagent.core.linux;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.linux.RtnetlinkCodec.AddressMessage;
import org.vrrpagent.core.linux.RtnetlinkCodec.MalformedNetlinkException;
import org.vrrpagent.core.linux.RtnetlinkCodec.Message;

/**
 * The kernel's address events: a {@code NETLINK_ROUTE} socket in the groups {@code
 * RTNLGRP_IPV4_IFADDR} and {@code RTNLGRP_IPV6_IFADDR} tells of every address added to or removed
 * from any interface of this network namespace, by anyone ({@code ip addr del}, a network script, a
 * DHCP client, ourselves), as it happens.
 *
 * <p>Events can be lost: when the reader falls behind, the kernel drops them and says so once
 * ({@code ENOBUFS} from the next read). The listener then hears {@link Listener#overrun()} and must
 * look at the table again (a dump) instead of trusting what it heard. A datagram the decoder
 * refuses is treated the same way.
 *
 * <p>One thread reads ({@code poll} with a {@link #POLL} timeout, so {@link #close} is seen within
 * it); the listener runs on it and must not block. Opened in the calling thread's network
 * namespace.
 */
public final class AddressEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AddressEvents.class);

  /** {@code RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR}: groups 5 and 9 as bits. */
  static final int GROUPS = (1 << (5 - 1)) | (1 << (9 - 1));

  /**
   * Receive buffer asked for (the kernel caps it at {@code net.core.rmem_max}): a burst of a few
   * thousand changes fits before anything is lost.
   */
  public static final int RECEIVE_BUFFER_BYTES = 1 << 20;

  static final Duration POLL = Duration.ofMillis(200);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  /** What the events say; called on the reading thread, must not block or throw. */
  public interface Listener {
    /** An address was added ({@code added}) or removed, on the interface with that index. */
    void changed(AddressMessage change);

    /** Events were lost (the kernel's queue for us overflowed): look at the table again. */
    void overrun();
  }

  private final NetlinkSocket socket;
  private final Listener listener;
  private volatile boolean closed;
  private Thread reader;

  private AddressEvents(NetlinkSocket socket, Listener listener) {
    this.socket = socket;
    this.listener = listener;
  }

  /**
   * Subscribes in the calling thread's network namespace and starts reading.
   *
   * @throws TransportException when the kernel refuses the socket
   */
  public static AddressEvents open(Listener listener) {
    return open(listener, RECEIVE_BUFFER_BYTES);
  }

  /** As {@link #open(Listener)} with another receive buffer (tests make it small). */
  static AddressEvents open(Listener listener, int receiveBufferBytes) {
    Objects.requireNonNull(listener, "listener");
    NetlinkSocket s;
    try {
      s = NetlinkSocket.open(GROUPS, receiveBufferBytes);
    } catch (Libc.ErrnoException e) {
      throw KernelErrors.explain("netlink", "cannot subscribe to address events", e);
    }
    AddressEvents events = new AddressEvents(s, listener);
    events.reader = Thread.ofPlatform().name("address-events").daemon(true).start(events::readLoop);
    return events;
  }

  private void readLoop() {
    int errors = 0;
    try {
      while (!closed) {
        int n;
        try {
          n = socket.receive((int) POLL.toMillis());
          if (n == 0) {
            continue;
          }
          errors = 0;
          List<Message> messages = RtnetlinkCodec.decode(socket.data(), n);
          for (Message m : messages) {
            if (m instanceof AddressMessage a) {
              tell(() -> listener.changed(a));
            }
          }
        } catch (Libc.ErrnoException e) {
          if (closed) {
            break;
          }
          if (e.errno == Libc.ENOBUFS) {
            log.warn("address events: the kernel dropped some (we read too slowly); looking again");
            tell(listener::overrun);
            continue;
          }
          if (++errors == 1 || errors % 100 == 0) {
            log.warn(
                "address events: receive failed ({} times in a row): {}", errors, e.getMessage());
          }
          tell(listener::overrun);
          sleep();
        } catch (MalformedNetlinkException e) {
          log.warn(
              "address events: unreadable datagram skipped: {}; looking again", e.getMessage());
          tell(listener::overrun);
        }
      }
    } finally {
      socket.close();
    }
  }

  private void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("address events: listener failed: {}", e.toString());
    }
  }

  private void sleep() {
    try {
      Thread.sleep(POLL);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  /** Stops reading and closes the socket (within {@link #POLL} plus a little). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Thread r = reader;
    if (r != null && r != Thread.currentThread()) {
      try {
        if (!r.join(CLOSE_WAIT)) {
          log.warn("address events: reader did not stop within {}", CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "rtnetlink address events";
  }
}
