package org.vrrpagent.agent.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.base.StrictText;

/**
 * Collects every problem found in one file, so that all of them are reported at once. Each is one
 * line: a control character or line separator that reached a message (a value quoted from a
 * multi-line YAML string, an exception's text) is escaped here ({@link StrictText#oneLine}).
 */
final class Problems {
  /** Limit on reported problems; past it one final line says how many more there were. */
  static final int MAX_PROBLEMS = 200;

  private final String file;
  private final List<ConfigError> errors = new ArrayList<>();
  private int dropped;

  Problems(String file) {
    this.file = file;
  }

  void add(Position at, String message) {
    if (errors.size() >= MAX_PROBLEMS) {
      dropped++;
      return;
    }
    errors.add(new ConfigError(file, at.line(), at.column(), StrictText.oneLine(message)));
  }

  void addFileProblem(String message) {
    errors.add(new ConfigError(file, 0, 0, StrictText.oneLine(message)));
  }

  int count() {
    return errors.size() + dropped;
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  List<ConfigError> sorted() {
    List<ConfigError> out = new ArrayList<>(errors);
    out.sort(Comparator.naturalOrder());
    if (dropped > 0) {
      out.add(
          new ConfigError(
              file, 0, 0, dropped + " more problems not shown (limit: " + MAX_PROBLEMS + ")"));
    }
    return out;
  }
}
