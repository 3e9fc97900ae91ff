package org.vrrpagent.core.io;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of packets a transport dropped before the codec saw them. Thread-safe; the I/O thread
 * increments, anyone reads.
 */
public final class TransportDrops {

  /** Why the transport dropped a packet. */
  public enum Reason {
    /** IPv4 header missing, shorter than its IHL, or not IPv4. */
    IP_HEADER("ip_header"),
    /** Unicast mode: the source is not one of the configured peers. */
    UNKNOWN_PEER("unknown_peer"),
    /** Larger than {@link #MAX_PACKET_BYTES}; the kernel truncated it. */
    TOO_LONG("too_long"),
    /** IPv6: the kernel gave no hop limit or destination (ancillary data missing). */
    ANCILLARY_DATA("ancillary_data"),
    /** The consumer threw; the packet is lost, the transport goes on. */
    CONSUMER_FAILED("consumer_failed");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The metric label value. */
    public String label() {
      return label;
    }
  }

  /**
   * The largest packet the transport reads (IP header included). A VRRP message is at most 8 + 255
   * * 16 + 8 bytes; anything longer is not VRRP we can use.
   */
  public static final int MAX_PACKET_BYTES = 4200;

  private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);

  public void increment(Reason reason) {
    counts.incrementAndGet(reason.ordinal());
  }

  public long count(Reason reason) {
    return counts.get(reason.ordinal());
  }

  /** A snapshot of all counters, zeros included. */
  public Map<Reason, Long> snapshot() {
    Map<Reason, Long> map = new EnumMap<>(Reason.class);
    for (Reason r : Reason.values()) {
      map.put(r, counts.get(r.ordinal()));
    }
    return map;
  }
}
