package org.vrrpagent.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.vrrpagent.agent.config.YamlNode.Entry;
import org.vrrpagent.agent.config.YamlNode.Mapping;
import org.vrrpagent.agent.config.YamlNode.Position;
import org.vrrpagent.agent.config.YamlNode.Scalar;
import org.vrrpagent.agent.config.YamlNode.ScalarKind;
import org.vrrpagent.base.HostPort;
import org.vrrpagent.core.wire.AddressFamily;

/**
 * What the binders of one file share: its problems, the file rules, the names declared in it (so a
 * reference to a declared but invalid name is not also "undefined"), and the readers of values that
 * more than one part of the file uses (names, absolute paths, programs, host:port).
 */
abstract class Binder {
  static final int MAX_NAME_CHARS = 64;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final String NAME_RULE =
      "letters, digits, \"_\", \"-\" or \".\", at most 64 characters";

  /** Names written under a top-level key, valid or not. */
  record Declared(Set<String> checks, Set<String> instances, Set<String> groups) {
    static Declared of(MappingReader root) {
      return new Declared(
          names(root, "checks"), names(root, "instances"), names(root, "sync-groups"));
    }

    private static Set<String> names(MappingReader r, String key) {
      return r.node(key)
          .filter(Mapping.class::isInstance)
          .map(
              m ->
                  Collections.unmodifiableSet(
                      new LinkedHashSet<>(((Mapping) m).entries().keySet())))
          .orElse(Set.of());
    }
  }

  final Problems problems;
  final FileRules rules;
  final Declared declared;

  /** The configuration file's directory: relative paths in it are taken from here. */
  final Path baseDir;

  Binder(Problems problems, FileRules rules, Declared declared, Path baseDir) {
    this.problems = problems;
    this.rules = rules;
    this.declared = declared;
    this.baseDir = baseDir;
  }

  /** An ordered choice map from alternating keys and values, so messages list them as written. */
  @SuppressWarnings("unchecked")
  static <E> Map<String, E> options(Object... keysAndValues) {
    Map<String, E> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], (E) keysAndValues[i + 1]);
    }
    return out;
  }

  int problemCount() {
    return problems.count();
  }

  interface NamedBinder<T> {
    Optional<T> bind(String name, Entry entry);
  }

  /**
   * A mapping of named things ({@code instances:}, {@code checks:}, …), each bound by {@code
   * binder}.
   */
  <T> Map<String, T> namedMap(
      MappingReader r, String key, String kind, int limit, NamedBinder<T> binder) {
    Map<String, T> out = new LinkedHashMap<>();
    r.node(key)
        .flatMap(n -> MappingReader.of(n, key, r.keyAt(key), problems))
        .ifPresent(
            m -> {
              List<Entry> entries = m.entries();
              if (entries.size() > limit) {
                problems.add(
                    r.keyAt(key),
                    key + ": " + entries.size() + " entries (expected: at most " + limit + ")");
                return;
              }
              for (Entry e : entries) {
                m.has(e.key());
                if (!validName(e.key(), kind, e.keyPosition())) {
                  continue;
                }
                binder.bind(e.key(), e).ifPresent(v -> out.put(e.key(), v));
              }
            });
    return out;
  }

  boolean validName(String name, String kind, Position at) {
    if (NAME.matcher(name).matches()) {
      return true;
    }
    problems.add(
        at, kind + " name \"" + YamlNode.abbreviate(name) + "\" (expected: " + NAME_RULE + ")");
    return false;
  }

  boolean interfaceName(MappingReader r, String key, String name) {
    if (AddressSyntax.isInterfaceName(name)) {
      return true;
    }
    problems.add(
        r.at(key),
        key
            + " \""
            + YamlNode.abbreviate(name)
            + "\" is not an interface name (expected: 1.."
            + AddressSyntax.MAX_INTERFACE_NAME
            + " characters without \"/\", \":\" or spaces)");
    return false;
  }

  /** {@code text} as an absolute path: relative ones from the configuration file's directory. */
  Path resolve(String text) {
    return baseDir.resolve(text).normalize();
  }

  /**
   * A program: an absolute path, or a relative one with a {@code /} in it ({@code ./notify}, {@code
   * hooks/notify}) taken from the configuration file's directory. A bare name is refused: no PATH
   * is searched.
   */
  String program(String text) {
    return text.contains("/") && !text.startsWith("/") ? resolve(text).toString() : text;
  }

  static String name(AddressFamily f) {
    return f == AddressFamily.IPV4 ? "IPv4" : "IPv6";
  }

  /**
   * A path: absolute, or relative to the configuration file's directory ({@code priority.rdns} next
   * to {@code agent.yaml}), so a configuration and the files it names can be kept, and validated,
   * together.
   */
  Optional<Path> absolutePath(MappingReader r, String key, String text) {
    if (text.indexOf('\0') < 0) {
      try {
        return Optional.of(resolve(text));
      } catch (RuntimeException e) {
        // InvalidPathException: not a path on this file system, said below
      }
    }
    problems.add(
        r.at(key),
        key
            + " \""
            + YamlNode.abbreviate(text)
            + "\" is not a valid path (expected: an absolute path)");
    return Optional.empty();
  }

  /**
   * Whether {@code count} things under {@code key} are more than {@code max}: if so, a problem
   * {@code "key: N unit (expected: at most max)"} at the key's value.
   */
  boolean tooMany(MappingReader r, String key, int count, String unit, int max) {
    if (count <= max) {
      return false;
    }
    problems.add(r.at(key), key + ": " + count + " " + unit + " (expected: at most " + max + ")");
    return true;
  }

  /**
   * A file holding a secret ({@code password-file}, {@code secret-file}): a path as {@link
   * #absolutePath} reads it that the file rules find safe to read a secret from.
   */
  Optional<Path> secretFile(MappingReader r, String key, String text) {
    return absolutePath(r, key, text)
        .filter(
            p -> {
              Optional<String> unsafe = rules.secret(p);
              unsafe.ifPresent(u -> problems.add(r.at(key), u));
              return unsafe.isEmpty();
            });
  }

  Optional<List<String>> argv(MappingReader r, String key) {
    if (!r.has(key)) {
      r.missing(key, "a list: the program's absolute path, then its arguments");
      return Optional.empty();
    }
    Optional<List<YamlNode>> items = r.list(key, "the program's absolute path, then its arguments");
    if (items.isEmpty()) {
      return Optional.empty();
    }
    if (items.get().isEmpty()) {
      problems.add(
          r.at(key), key + " is empty (expected: the program's absolute path, then its arguments)");
      return Optional.empty();
    }
    if (tooMany(r, key, items.get().size(), "arguments", 256)) {
      return Optional.empty();
    }
    List<String> argv = new ArrayList<>();
    for (YamlNode n : items.get()) {
      if (n instanceof Scalar s && s.kind() != ScalarKind.NULL) {
        argv.add(s.text());
      } else {
        problems.add(
            n.position(), key + " argument is " + YamlNode.describe(n) + " (expected: a string)");
        return Optional.empty();
      }
    }
    argv.set(0, program(argv.getFirst()));
    if (!argv.getFirst().startsWith("/")) {
      problems.add(
          items.get().getFirst().position(),
          key
              + " program \""
              + YamlNode.abbreviate(argv.getFirst())
              + "\" is a bare name (expected: an absolute path such as /usr/local/bin/notify, or one relative to the"
              + " configuration file such as ./notify; no PATH is searched and no shell is used)");
      return Optional.empty();
    }
    Optional<String> unsafe = rules.hook(Path.of(argv.getFirst()));
    if (unsafe.isPresent()) {
      problems.add(items.get().getFirst().position(), unsafe.get());
      return Optional.empty();
    }
    return Optional.of(argv);
  }

  /** host, host:port, [v6]:port or a bare IPv6 literal ({@link HostPort#parse}). */
  Optional<HostPort> hostPort(MappingReader r, String key, String text, int defaultPort) {
    try {
      return Optional.of(HostPort.parse(text, defaultPort));
    } catch (IllegalArgumentException e) {
      problems.add(r.at(key), key + " \"" + YamlNode.abbreviate(text) + "\": " + e.getMessage());
      return Optional.empty();
    }
  }
}
