package org.vrrpagent.checks;

/** The verdict of one probe run. */
public enum ProbeStatus {
  /** The service answered as expected. */
  UP,
  /** The service did not answer, answered wrongly, or the probe timed out. */
  DOWN;

  /** Lower-case label for metrics and tables: {@code up}, {@code down}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
