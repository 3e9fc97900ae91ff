package org.vrrpagent.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.vrrpagent.base.StrictText;

/**
 * Loads and validates a configuration file. Every problem is collected and reported as {@code
 * FILE:LINE:COL: what is wrong (expected: …)}; see {@code docs/configuration.md}.
 *
 * <pre>{@code
 * Config config = ConfigLoader.load(path);                                    // validate
 * Config config = ConfigLoader.load(path, ScriptSecurity.forCurrentProcess()); // run
 * }</pre>
 */
public final class ConfigLoader {
  /** Limit on the configuration file's size. */
  public static final int MAX_CONFIG_BYTES = 1024 * 1024;

  private ConfigLoader() {}

  /** Syntax and semantics; the files the configuration names are not looked at. */
  public static Config load(Path file) throws ConfigException {
    return load(file, FileRules.NONE);
  }

  /** As {@link #load(Path)}, and the named files must pass {@code rules}. */
  public static Config load(Path file, FileRules rules) throws ConfigException {
    String name = file.toString();
    Problems problems = new Problems(name);
    byte[] bytes;
    try {
      bytes = StrictText.readBytes(file, MAX_CONFIG_BYTES);
    } catch (StrictText.Refused e) {
      problems.addFileProblem(
          switch (e.problem()) {
            case TOO_LARGE ->
                "larger than "
                    + MAX_CONFIG_BYTES
                    + " bytes (expected: at most "
                    + MAX_CONFIG_BYTES
                    + " bytes)";
            case NOT_A_REGULAR_FILE ->
                "is not a regular file (expected: a YAML file, not a FIFO or device)";
            case NOT_UTF8 -> "is not UTF-8 text (expected: a UTF-8 YAML file)";
          });
      throw new ConfigException(problems.sorted());
    } catch (IOException e) {
      problems.addFileProblem("cannot read: " + describe(e) + " (expected: a readable file)");
      throw new ConfigException(problems.sorted());
    }
    Config config = parse(name, bytes, problems, defaultNodeName(), rules, baseDir(file));
    rules.configFile(file).ifPresent(problems::addFileProblem);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.sorted());
    }
    return config;
  }

  /** Loads configuration text; {@code name} stands for the file in messages. */
  public static Config parse(String name, String yaml) throws ConfigException {
    return parse(name, yaml.getBytes(StandardCharsets.UTF_8), defaultNodeName());
  }

  /**
   * The file's bytes as {@link #load(Path)} reads them, the named files not looked at, and {@code
   * defaultNode} as the node name when there is no {@code node:}: the fuzz target's entry, so that
   * it neither writes a file nor reads the host name for every input.
   */
  static Config parse(String name, byte[] bytes, String defaultNode) throws ConfigException {
    Problems problems = new Problems(name);
    Config config =
        parse(name, bytes, problems, defaultNode, FileRules.NONE, baseDir(Path.of(name)));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.sorted());
    }
    return config;
  }

  /** The directory relative paths in {@code file} are taken from. */
  private static Path baseDir(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent == null ? Path.of("/") : parent;
  }

  private static Config parse(
      String name, byte[] bytes, Problems problems, String node, FileRules rules, Path baseDir) {
    String text;
    try {
      text = StrictText.decode(bytes);
    } catch (StrictText.Refused e) {
      problems.addFileProblem("is not UTF-8 text (expected: a UTF-8 YAML file)");
      return null;
    }
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      problems.addFileProblem(
          "contains a NUL byte at offset " + nul + " (expected: a YAML text file)");
      return null;
    }
    YamlNode root = new YamlTreeReader(problems).read(text);
    if (!problems.isEmpty()) {
      return null;
    }
    if (root == null) {
      problems.addFileProblem("is empty (expected: a YAML mapping with instances:)");
      return null;
    }
    return new ConfigBinder(problems, node, rules, baseDir).bind(root);
  }

  /** The short host name: the kernel's host name up to the first dot. */
  public static String defaultNodeName() {
    String host;
    try {
      host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
    int dot = host.indexOf('.');
    String shortName = (dot > 0 ? host.substring(0, dot) : host).toLowerCase(Locale.ROOT);
    return shortName.isEmpty() ? "localhost" : shortName;
  }

  private static String describe(IOException e) {
    return switch (e) {
      case java.nio.file.NoSuchFileException n -> "no such file";
      case java.nio.file.AccessDeniedException a -> "permission denied";
      default ->
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    };
  }
}
