package org.vrrpagent.checks;

import java.util.Optional;

/**
 * A snapshot of one check.
 *
 * @param name the check
 * @param probe the probe, described in one line
 * @param up the current state (after rise/fall)
 * @param partialCount opposite results seen in a row so far (toward rise when down, toward fall
 *     when up)
 * @param lastResult the last booked result, empty before the first
 * @param counters the check's live counters
 */
public record CheckStatus(
    String name,
    String probe,
    boolean up,
    int partialCount,
    Optional<ProbeResult> lastResult,
    CheckCounters counters) {}
