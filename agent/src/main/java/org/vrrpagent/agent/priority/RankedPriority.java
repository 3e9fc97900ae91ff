package org.vrrpagent.agent.priority;

import java.util.OptionalInt;
import org.vrrpagent.agent.config.PriorityOrderConfig;

/**
 * The base priority a priority-order file gives this node, and why (for logs and status).
 *
 * @param priority the base priority, empty = FAULT ({@code unlisted: fault})
 * @param position 0-based rank position, -1 when unlisted
 * @param reason e.g. "rank 2 of 4", "not listed", "file missing"
 */
public record RankedPriority(OptionalInt priority, int position, String reason) {

  public boolean fault() {
    return priority.isEmpty();
  }

  /**
   * The rank of {@code node} in {@code order} under {@code config}. A host listed beyond the last
   * rank is treated as unlisted. {@code order} is null when the file is missing (or has never been
   * valid): everyone is unlisted.
   */
  public static RankedPriority of(PriorityOrder order, String node, PriorityOrderConfig config) {
    if (order == null) {
      return unlisted(config, "file missing");
    }
    int position = order.positionOf(node, config.reverse());
    if (position < 0) {
      return unlisted(config, node + " not listed");
    }
    if (position >= config.ranks().size()) {
      return unlisted(
          config,
          node
              + " listed "
              + (position + 1)
              + (config.reverse() ? " from the bottom" : "")
              + " but only "
              + config.ranks().size()
              + " ranks");
    }
    return new RankedPriority(
        OptionalInt.of(config.ranks().get(position)),
        position,
        "rank "
            + (position + 1)
            + " of "
            + order.hosts().size()
            + (config.reverse() ? " (reverse)" : ""));
  }

  private static RankedPriority unlisted(PriorityOrderConfig config, String why) {
    return new RankedPriority(
        config.unlisted(),
        -1,
        why
            + (config.unlistedIsFault()
                ? " -> FAULT"
                : " -> unlisted priority " + config.unlisted().getAsInt()));
  }
}
