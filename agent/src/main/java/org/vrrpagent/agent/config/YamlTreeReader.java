package org.vrrpagent.agent.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vrrpagent.agent.config.YamlNode.Entry;
import org.vrrpagent.agent.config.YamlNode.Mapping;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.agent.config.YamlNode.Sequence;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Reads YAML text into a located {@link YamlNode} tree with Jackson's YAML parser, keeping each
 * token's line and column. Duplicate keys and aliases are errors; depth and size are limited.
 */
final class YamlTreeReader {
  /** Limit on nesting (the deepest real config is 5). */
  static final int MAX_DEPTH = 32;

  /** Limit on a single scalar's length. */
  static final int MAX_SCALAR_CHARS = 64 * 1024;

  private static final YAMLFactory FACTORY =
      YAMLFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxStringLength(MAX_SCALAR_CHARS)
                  .maxNameLength(MAX_SCALAR_CHARS)
                  .maxDocumentLength(ConfigLoader.MAX_CONFIG_BYTES)
                  .build())
          .build();

  private final Problems problems;
  private JsonParser parser;

  YamlTreeReader(Problems problems) {
    this.problems = problems;
  }

  /** The document's root, or null when it is empty or unreadable (a problem was reported). */
  YamlNode read(String text) {
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), new StringReader(text))) {
      parser = p;
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      YamlNode root = readValue(first, 0);
      JsonToken after = p.nextToken();
      if (after != null) {
        problems.add(
            position(p.currentTokenLocation()),
            "a second YAML document (expected: one document per file)");
      }
      return root;
    } catch (JacksonException e) {
      problems.add(position(e.getLocation()), "YAML syntax: " + firstLine(e.getOriginalMessage()));
      return null;
    } catch (RuntimeException e) {
      // snakeyaml-engine reports some malformed input with its own unchecked exceptions.
      problems.add(new Position(1, 1), "YAML syntax: " + firstLine(String.valueOf(e.getMessage())));
      return null;
    }
  }

  private YamlNode readValue(JsonToken token, int depth) {
    Position at = position(parser.currentTokenLocation());
    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      problems.add(
          at,
          "YAML alias *"
              + parser.getString()
              + " (expected: a value; anchors and aliases are not supported)");
      return new Scalar("", ScalarKind.NULL, at);
    }
    return switch (token) {
      case START_OBJECT -> readMapping(at, depth + 1);
      case START_ARRAY -> readSequence(at, depth + 1);
      case VALUE_STRING -> new Scalar(parser.getString(), ScalarKind.STRING, at);
      case VALUE_NUMBER_INT -> new Scalar(parser.getString(), ScalarKind.INTEGER, at);
      case VALUE_NUMBER_FLOAT -> new Scalar(parser.getString(), ScalarKind.FLOAT, at);
      case VALUE_TRUE, VALUE_FALSE -> new Scalar(parser.getString(), ScalarKind.BOOLEAN, at);
      case VALUE_NULL -> new Scalar("", ScalarKind.NULL, at);
      default -> {
        problems.add(
            at, "unsupported YAML value " + token + " (expected: a scalar, list or mapping)");
        yield new Scalar("", ScalarKind.NULL, at);
      }
    };
  }

  private Mapping readMapping(Position at, int depth) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      if (t != JsonToken.PROPERTY_NAME) {
        throw new IllegalStateException("YAML parser gave " + t + " inside a mapping");
      }
      String key = parser.currentName();
      Position keyAt = position(parser.currentTokenLocation());
      YamlNode value = readValue(parser.nextToken(), depth);
      Entry previous = entries.get(key);
      if (previous != null) {
        problems.add(
            keyAt,
            "duplicate key \""
                + YamlNode.abbreviate(key)
                + "\" (expected: each key once; first at line "
                + previous.keyPosition().line()
                + ")");
      } else {
        entries.put(key, new Entry(key, keyAt, value));
      }
    }
    return new Mapping(entries, at);
  }

  private Sequence readSequence(Position at, int depth) {
    List<YamlNode> items = new ArrayList<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      items.add(readValue(t, depth));
    }
    return new Sequence(items, at);
  }

  private static Position position(TokenStreamLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return new Position(1, 1);
    }
    return new Position(location.getLineNr(), Math.max(1, location.getColumnNr()));
  }

  /** snakeyaml's message without its "in reader, line …" position lines, on one line. */
  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    StringBuilder out = new StringBuilder();
    for (String line : message.strip().split("\n")) {
      String l = line.strip();
      if (l.isEmpty()
          || l.startsWith("in reader")
          || l.startsWith("at [")
          || l.startsWith("^")
          || line.startsWith("    ")) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(", ");
      }
      out.append(l);
      if (out.length() > 120) {
        break;
      }
    }
    return out.isEmpty() ? "unreadable" : YamlNode.abbreviate(out.toString(), 160);
  }
}
