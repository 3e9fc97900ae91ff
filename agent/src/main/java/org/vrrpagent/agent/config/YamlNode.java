package org.vrrpagent.agent.config;

import java.util.List;
import java.util.Map;
import org.vrrpagent.base.StrictText;

/**
 * A YAML document as a tree whose every node remembers where it was written, so that semantic
 * errors (a track naming an undefined check) point at the right line and column.
 */
sealed interface YamlNode {
  Position position();

  /** 1-based line and column. */
  record Position(int line, int column) {}

  /** What kind of scalar the YAML core schema made of the text. */
  enum ScalarKind {
    STRING,
    INTEGER,
    FLOAT,
    BOOLEAN,
    NULL
  }

  record Scalar(String text, ScalarKind kind, Position position) implements YamlNode {}

  record Entry(String key, Position keyPosition, YamlNode value) {}

  record Mapping(Map<String, Entry> entries, Position position) implements YamlNode {}

  record Sequence(List<YamlNode> items, Position position) implements YamlNode {}

  /** A short description of the node's type for "wrong type" messages. */
  static String describe(YamlNode node) {
    return switch (node) {
      case Mapping m -> "a mapping";
      case Sequence s -> "a list";
      case Scalar s when s.kind() == ScalarKind.NULL -> "no value";
      case Scalar s -> "\"" + abbreviate(s.text()) + "\"";
    };
  }

  static String abbreviate(String text) {
    return abbreviate(text, 40);
  }

  static String abbreviate(String text, int max) {
    return StrictText.oneLine(text.length() > max ? text.substring(0, max - 3) + "..." : text);
  }
}
