package org.vrrpagent.agent.priority;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent knows of one priority-order file, for ranking, status and metrics.
 *
 * @param file the watched file
 * @param order the order in force: the last good one; empty when the file is missing (or was never
 *     valid), which makes every host unlisted
 * @param status how the last read went
 * @param error the last read's problem (INVALID, or MISSING with an I/O error), for status
 * @param reloads reads so far
 * @param failures reads that found the file invalid or unreadable
 */
public record PriorityOrderState(
    Path file,
    Optional<PriorityOrder> order,
    Status status,
    Optional<String> error,
    long reloads,
    long failures) {

  public enum Status {
    /** Read and valid. */
    OK,
    /** Not there: every host is unlisted. */
    MISSING,
    /** Malformed or unreadable: the last good order stays in force. */
    INVALID
  }

  public PriorityOrderState {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(error, "error");
  }

  /** The order to rank with; null means "everyone unlisted" (see {@link RankedPriority#of}). */
  public PriorityOrder orderOrNull() {
    return order.orElse(null);
  }
}
