package org.vrrpagent.agent.priority;

import java.util.List;
import java.util.Locale;

/**
 * The hosts of a priority-order file, most preferred first, lower-cased, each once. An empty order
 * (a file of comments only) lists nobody.
 */
public record PriorityOrder(List<String> hosts) {
  public static final PriorityOrder EMPTY = new PriorityOrder(List.of());

  public PriorityOrder {
    hosts = List.copyOf(hosts);
  }

  /**
   * The 0-based position of {@code host}, counted from the top, or from the bottom when {@code
   * reverse}; -1 when not listed.
   */
  public int positionOf(String host, boolean reverse) {
    int i = hosts.indexOf(host.toLowerCase(Locale.ROOT));
    if (i < 0) {
      return -1;
    }
    return reverse ? hosts.size() - 1 - i : i;
  }
}
