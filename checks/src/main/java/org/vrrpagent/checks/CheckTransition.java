package org.vrrpagent.checks;

/**
 * A check changed state.
 *
 * @param check the check's name
 * @param up the new state
 * @param cause the result that completed the rise/fall count
 */
public record CheckTransition(String check, boolean up, ProbeResult cause) {}
