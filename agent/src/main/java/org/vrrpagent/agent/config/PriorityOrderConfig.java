package org.vrrpagent.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The instance's base priority comes from the host's rank in a priority-order file.
 *
 * @param file the file listing hosts in order of preference
 * @param ranks priority of the 1st, 2nd, … listed host (each 1..254, at most {@link #MAX_RANKS})
 * @param reverse read the file bottom-up (the last listed host is the first rank)
 * @param unlisted what a host gets that is not listed (or listed beyond the ranks): empty = FAULT,
 *     else that priority
 */
public record PriorityOrderConfig(
    Path file, List<Integer> ranks, boolean reverse, OptionalInt unlisted) {
  public static final int MAX_RANKS = 64;

  public PriorityOrderConfig {
    Objects.requireNonNull(file, "file");
    ranks = List.copyOf(ranks);
    Objects.requireNonNull(unlisted, "unlisted");
  }

  /** True when an unlisted host goes to FAULT. */
  public boolean unlistedIsFault() {
    return unlisted.isEmpty();
  }
}
