package org.vrrpagent.agent.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vrrpagent.agent.config.YamlNode.Entry;
import org.vrrpagent.agent.config.YamlNode.Mapping;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.agent.config.YamlNode.Sequence;

/**
 * Reads the keys of one YAML mapping as typed values, reporting every problem with its position,
 * and at {@link #finish()} every key nobody asked for (unknown keys are errors). A getter returns
 * empty both when the key is absent and when its value was wrong (the problem has then been
 * reported).
 */
final class MappingReader {
  private final Mapping mapping;
  private final String where;
  private final Position owner;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();

  private MappingReader(Mapping mapping, String where, Position owner, Problems problems) {
    this.mapping = mapping;
    this.where = where;
    this.owner = owner;
    this.problems = problems;
  }

  /**
   * A reader for {@code node}, or empty (problem reported) when it is not a mapping. A null node or
   * an empty value reads as an empty mapping.
   *
   * @param where names the mapping in messages, e.g. {@code instance "dns0"}
   * @param owner where the mapping's own key was written, for "missing key" problems
   */
  static Optional<MappingReader> of(
      YamlNode node, String where, Position owner, Problems problems) {
    if (node == null || node instanceof Scalar s && s.kind() == ScalarKind.NULL) {
      return Optional.of(new MappingReader(new Mapping(Map.of(), owner), where, owner, problems));
    }
    if (node instanceof Mapping m) {
      return Optional.of(new MappingReader(m, where, owner, problems));
    }
    problems.add(
        node.position(),
        where + " is " + YamlNode.describe(node) + " (expected: a mapping of keys)");
    return Optional.empty();
  }

  String where() {
    return where;
  }

  Position owner() {
    return owner;
  }

  Problems problems() {
    return problems;
  }

  /** The entries in file order (for maps of named things such as instances). */
  List<Entry> entries() {
    return List.copyOf(mapping.entries().values());
  }

  boolean has(String key) {
    known.add(key);
    return node(key).isPresent();
  }

  /** The value node, empty when absent or written without a value. */
  Optional<YamlNode> node(String key) {
    known.add(key);
    Entry e = mapping.entries().get(key);
    if (e == null || e.value() instanceof Scalar s && s.kind() == ScalarKind.NULL) {
      return Optional.empty();
    }
    return Optional.of(e.value());
  }

  Optional<Entry> entry(String key) {
    known.add(key);
    return Optional.ofNullable(mapping.entries().get(key));
  }

  /** Where the key's value is, or where the key is, or the owner. */
  Position at(String key) {
    Entry e = mapping.entries().get(key);
    if (e == null) {
      return owner;
    }
    return e.value() instanceof Scalar s && s.kind() == ScalarKind.NULL
        ? e.keyPosition()
        : e.value().position();
  }

  Position keyAt(String key) {
    Entry e = mapping.entries().get(key);
    return e == null ? owner : e.keyPosition();
  }

  void missing(String key, String expected) {
    Entry e = mapping.entries().get(key);
    Position p = e == null ? owner : e.keyPosition();
    problems.add(p, "missing " + key + " in " + where + " (expected: " + expected + ")");
  }

  // ---- scalars ----

  Optional<String> string(String key, String expected) {
    return node(key).flatMap(n -> scalarText(n, key, expected));
  }

  Optional<String> requiredString(String key, String expected) {
    Optional<String> v = string(key, expected);
    if (!has(key)) {
      missing(key, expected);
    }
    return v;
  }

  Optional<String> scalarText(YamlNode n, String label, String expected) {
    if (n instanceof Scalar s && s.kind() != ScalarKind.NULL) {
      if (s.text().isEmpty()) {
        problems.add(n.position(), label + " is empty (expected: " + expected + ")");
        return Optional.empty();
      }
      return Optional.of(s.text());
    }
    problems.add(
        n.position(), label + " is " + YamlNode.describe(n) + " (expected: " + expected + ")");
    return Optional.empty();
  }

  Optional<Integer> integer(String key, String label, long min, long max) {
    return node(key).flatMap(n -> integerValue(n, label, min, max));
  }

  Optional<Integer> requiredInteger(String key, String label, long min, long max) {
    if (!has(key)) {
      missing(key, min + ".." + max);
      return Optional.empty();
    }
    return integer(key, label, min, max);
  }

  Optional<Integer> integerValue(YamlNode n, String label, long min, long max) {
    return integerValue(n, label, min, max, min + ".." + max);
  }

  private Optional<Integer> integerValue(
      YamlNode n, String label, long min, long max, String expected) {
    if (!(n instanceof Scalar s) || s.kind() != ScalarKind.INTEGER) {
      problems.add(
          n.position(),
          label + " " + YamlNode.describe(n) + " is not an integer (expected: " + expected + ")");
      return Optional.empty();
    }
    long value;
    try {
      value = Long.parseLong(s.text().replace("_", "").replace("+", ""));
    } catch (NumberFormatException e) {
      String why = s.text().matches("[-+]?[0-9_]+") ? " out of range" : " is not a decimal integer";
      problems.add(
          n.position(), label + " " + YamlNode.describe(n) + why + " (expected: " + expected + ")");
      return Optional.empty();
    }
    if (value < min || value > max) {
      problems.add(
          n.position(), label + " " + value + " out of range (expected: " + expected + ")");
      return Optional.empty();
    }
    return Optional.of((int) value);
  }

  /** An integer of any size an int holds; its range is the business of whoever uses it. */
  Optional<Integer> integer(String key) {
    return node(key)
        .flatMap(n -> integerValue(n, key, Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer"));
  }

  Optional<Boolean> bool(String key) {
    return node(key)
        .flatMap(
            n -> {
              if (n instanceof Scalar s && s.kind() == ScalarKind.BOOLEAN) {
                return Optional.of(
                    Boolean.parseBoolean(s.text().toLowerCase(java.util.Locale.ROOT)));
              }
              problems.add(
                  n.position(),
                  key + " " + YamlNode.describe(n) + " is not a boolean (expected: true or false)");
              return Optional.empty();
            });
  }

  Optional<Duration> duration(String key, Duration min, Duration max) {
    return node(key).flatMap(n -> durationValue(n, key, min, max));
  }

  /** A duration of any length; its range is the business of whoever uses it. */
  Optional<Duration> duration(String key) {
    return node(key)
        .flatMap(
            n ->
                durationValue(
                    n,
                    key,
                    Duration.ZERO,
                    Duration.ofSeconds(Long.MAX_VALUE),
                    "a duration, e.g. 1s"));
  }

  Optional<Duration> durationValue(YamlNode n, String label, Duration min, Duration max) {
    return durationValue(
        n, label, min, max, DurationSyntax.format(min) + ".." + DurationSyntax.format(max));
  }

  private Optional<Duration> durationValue(
      YamlNode n, String label, Duration min, Duration max, String expected) {
    if (!(n instanceof Scalar s) || s.kind() == ScalarKind.NULL) {
      problems.add(
          n.position(),
          label
              + " is "
              + YamlNode.describe(n)
              + " (expected: "
              + (expected.startsWith("a ") ? "" : "a duration ")
              + expected
              + ")");
      return Optional.empty();
    }
    Duration d;
    try {
      d = DurationSyntax.parse(s.text());
    } catch (IllegalArgumentException e) {
      problems.add(n.position(), label + " " + e.getMessage());
      return Optional.empty();
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problems.add(
          n.position(), label + " " + s.text() + " out of range (expected: " + expected + ")");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  <E> Optional<E> choice(String key, Map<String, E> choices) {
    return node(key).flatMap(n -> choiceValue(n, key, choices));
  }

  <E> Optional<E> choiceValue(YamlNode n, String label, Map<String, E> choices) {
    String expected = oneOf(choices.keySet());
    if (n instanceof Scalar s && s.kind() != ScalarKind.NULL) {
      E e = choices.get(s.text());
      if (e != null) {
        return Optional.of(e);
      }
    }
    problems.add(
        n.position(), label + " " + YamlNode.describe(n) + " (expected: " + expected + ")");
    return Optional.empty();
  }

  Optional<Pattern> regex(String key) {
    return node(key)
        .flatMap(n -> scalarText(n, key, "a regular expression"))
        .flatMap(
            text -> {
              try {
                return Optional.of(Pattern.compile(text));
              } catch (PatternSyntaxException e) {
                problems.add(
                    at(key),
                    key
                        + " \""
                        + YamlNode.abbreviate(text)
                        + "\" is not a valid regular expression: "
                        + e.getDescription()
                        + " (expected: a Java regular expression)");
                return Optional.empty();
              }
            });
  }

  /** A list; a problem when the value is something else. */
  Optional<List<YamlNode>> list(String key, String expected) {
    return node(key)
        .flatMap(
            n -> {
              if (n instanceof Sequence s) {
                return Optional.of(s.items());
              }
              problems.add(
                  n.position(),
                  key + " is " + YamlNode.describe(n) + " (expected: a list of " + expected + ")");
              return Optional.empty();
            });
  }

  /** Each item of a list converted; items that fail are reported and left out. */
  <T> List<T> listOf(String key, String expected, Function<YamlNode, Optional<T>> convert) {
    List<T> out = new ArrayList<>();
    list(key, expected)
        .ifPresent(items -> items.forEach(i -> convert.apply(i).ifPresent(out::add)));
    return out;
  }

  /** Report the keys nobody asked for. */
  void finish() {
    for (Entry e : mapping.entries().values()) {
      if (!known.contains(e.key())) {
        problems.add(
            e.keyPosition(),
            "unknown key \""
                + YamlNode.abbreviate(e.key())
                + "\" in "
                + where
                + " (expected: "
                + suggestion(e.key())
                + ")");
      }
    }
  }

  private String suggestion(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = editDistance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    if (best != null && bestDistance <= (best.length() >= 4 ? 2 : 1)) {
      return best;
    }
    return oneOf(known);
  }

  static String oneOf(java.util.Collection<String> names) {
    if (names.isEmpty()) {
      return "nothing here";
    }
    List<String> list = List.copyOf(names);
    if (list.size() == 1) {
      return list.getFirst();
    }
    return (list.size() == 2 ? "" : "one of ")
        + String.join(", ", list.subList(0, list.size() - 1))
        + " or "
        + list.getLast();
  }

  private static int editDistance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
