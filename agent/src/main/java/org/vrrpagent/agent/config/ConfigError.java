package org.vrrpagent.agent.config;

import java.util.Objects;

/**
 * One problem in a configuration file, printed as {@code FILE:LINE:COL: message}. Line and column
 * are 1-based; 0 means the problem is with the file as a whole.
 */
public record ConfigError(String file, int line, int column, String message)
    implements Comparable<ConfigError> {
  public ConfigError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
  }

  @Override
  public int compareTo(ConfigError o) {
    int c = Integer.compare(line, o.line);
    return c != 0 ? c : Integer.compare(column, o.column);
  }
}
