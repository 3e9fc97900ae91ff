package org.vrrpagent.agent.importer;

/** A keepalived.conf that cannot be read: {@code FILE:LINE:COL: what is wrong (expected: …)}. */
public final class KeepalivedSyntaxException extends Exception {
  private final String file;
  private final int line;
  private final int column;
  private final String problem;

  public KeepalivedSyntaxException(String file, int line, int column, String problem) {
    super(
        line > 0 ? file + ":" + line + ":" + column + ": " + problem : file + ": " + problem,
        null,
        false,
        false);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }

  public String problem() {
    return problem;
  }
}
