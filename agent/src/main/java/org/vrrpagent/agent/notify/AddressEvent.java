package org.vrrpagent.agent.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * Something happened to a virtual address this node holds as MASTER, outside any state change:
 * something else removed it and we added it again, or another host answers for it (a duplicate on
 * the link) and the alarm is raised or cleared. Goes to the event log and {@code GET /events} as
 * {@code {"type":"ADDRESS","kind":"readded",…}} (not to hooks, mail or the notify FIFO, whose
 * formats know only state changes).
 *
 * @param kind what happened
 * @param name the instance that holds the address
 * @param address the address, without prefix length
 * @param detail one line for an operator (e.g. "answered by 02:00:00:00:00:02")
 */
public record AddressEvent(Kind kind, String name, String address, String detail, Instant time)
    implements Notice {
  public enum Kind {
    /** Removed by something else while we are MASTER; added again. */
    READDED("readded"),
    /**
     * Another MAC answers for the address while we hold it: the duplicate-address alarm is raised.
     */
    DUPLICATE("duplicate"),
    /**
     * No other MAC answered for a while, or we no longer hold the address: the alarm is cleared.
     */
    DUPLICATE_CLEARED("duplicate-cleared");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public AddressEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(time, "time");
  }
}
