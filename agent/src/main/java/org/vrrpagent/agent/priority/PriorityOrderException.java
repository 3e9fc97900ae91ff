package org.vrrpagent.agent.priority;

/** A priority-order file that cannot be used; {@link #line()} is 1-based, 0 for the whole file. */
public final class PriorityOrderException extends Exception {
  private final int line;

  public PriorityOrderException(int line, String problem) {
    super(line > 0 ? "line " + line + ": " + problem : problem);
    this.line = line;
  }

  public int line() {
    return line;
  }
}
