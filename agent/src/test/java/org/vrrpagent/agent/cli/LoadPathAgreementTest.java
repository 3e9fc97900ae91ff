package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigError;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.config.FileRules;
import org.vrrpagent.agent.config.InstanceConfig;
import org.vrrpagent.agent.config.ScriptSecurity;
import org.vrrpagent.agent.daemon.EngineAssembly;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.probe.ProbeFactory;
import org.vrrpagent.core.wire.AddressFamily;
import picocli.CommandLine;

/**
 * One load path: every example, every bad-configuration fixture and seeded mutants of the examples
 * go through {@code validate} (the command), the loading {@code run} does before it starts (the
 * same rules), the daemon's start-up building (every router configuration and every probe, nothing
 * opened), the {@code checks} command and a reload — and all agree:
 *
 * <ul>
 *   <li>{@code run} refuses exactly what {@code validate} refuses, with the same lines;
 *   <li>what {@code validate} accepts, start-up builds without an exception;
 *   <li>{@code checks} and a reload accept at least as much, and refuse nothing but what they
 *       document as not theirs (hooks, mail password, priority-order files; for a reload a missing
 *       priority-order file);
 *   <li>nothing but a {@link ConfigException} ever comes out: no stack trace for bad input.
 * </ul>
 */
class LoadPathAgreementTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final Path BAD = Path.of("src/test/resources/config/bad");

  /** Mutants per example; the seeds are 0..MUTANTS-1, so every run sees the same files. */
  private static final int MUTANTS = 300;

  private static final FileRules VALIDATE = ScriptSecurity.forCurrentProcess();
  private static ProbeFactory probes;

  @BeforeAll
  static void probes() {
    probes = new ProbeFactory();
  }

  @AfterAll
  static void closeProbes() {
    probes.close();
  }

  static Stream<Path> examplesAndFixtures() throws IOException {
    List<Path> all = new ArrayList<>(examples());
    try (Stream<Path> files = Files.list(BAD)) {
      all.addAll(files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList());
    }
    return all.stream();
  }

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** What one command made of one file: accepted, or refused with these lines. */
  record Verdict(boolean accepted, List<String> problems) {
    static Verdict of(Path file, FileRules rules) {
      try {
        Config c = ConfigLoader.load(file, rules);
        assertThat(c).isNotNull();
        return new Verdict(true, List.of());
      } catch (ConfigException e) {
        return new Verdict(false, e.errors().stream().map(ConfigError::toString).toList());
      }
      // Any other exception fails the test where it is thrown: bad input must never be a stack
      // trace.
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examplesAndFixtures")
  void everyCommandAgrees(Path file) {
    Verdict validate = validateCommand(file);
    agree(file, validate);
    if (file.startsWith(EXAMPLES)) {
      assertThat(validate.accepted())
          .as("%s validates with plain validate: %s", file, validate.problems())
          .isTrue();
    }
    if (file.startsWith(BAD)) {
      assertThat(validate.accepted()).as("%s is refused", file).isFalse();
      assertThat(checksCommandExit(file)).as("checks refuses %s with exit 2", file).isEqualTo(2);
    }
  }

  @Test
  void seededMutantsOfTheExamplesAgreeToo(@TempDir Path dir) throws IOException {
    int accepted = 0;
    int refused = 0;
    for (Path example : examples()) {
      // The mutant lives beside copies of the example's files, so relative paths still resolve.
      Path copy = Files.createDirectories(dir.resolve(example.getParent().getFileName()));
      try (Stream<Path> files = Files.list(example.getParent())) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.copy(
              f,
              copy.resolve(f.getFileName()),
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      List<String> lines = Files.readAllLines(example);
      for (int seed = 0; seed < MUTANTS; seed++) {
        String mutant = Mutator.mutate(lines, new Random(seed * 31L + example.hashCode()));
        Path file = copy.resolve("mutant.yaml");
        Files.writeString(file, mutant);
        Verdict v;
        try {
          v = Verdict.of(file, VALIDATE);
          agree(file, v);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError("mutant seed " + seed + " of " + example + ":\n" + mutant, e);
        }
        if (v.accepted()) {
          accepted++;
        } else {
          refused++;
        }
      }
    }
    System.out.printf(
        "load-path agreement: %d mutants of %d examples, %d accepted, %d refused%n",
        accepted + refused, examples().size(), accepted, refused);
    assertThat(accepted).as("some mutants stay valid (the test exercises start-up)").isPositive();
    assertThat(refused).as("some mutants are refused").isPositive();
  }

  /** Holds run, start-up, checks and reload to {@code validate}'s verdict on {@code file}. */
  private static void agree(Path file, Verdict validate) {
    Verdict run = Verdict.of(file, VALIDATE); // RunCommand loads with exactly validate's rules
    assertThat(run).as("run and validate on %s", file).isEqualTo(validate);
    if (validate.accepted()) {
      startUp(file);
    }
    Verdict checks = Verdict.of(file, VALIDATE.checksOnly());
    assertThat(validate.problems())
        .as("checks refuses only what validate refuses, %s", file)
        .containsAll(checks.problems());
    for (String only : minus(validate.problems(), checks.problems())) {
      assertThat(only)
          .as("validate refuses beyond checks only hooks, the password file and priority files")
          .containsAnyOf("program ", "file ", "priority-order file ");
    }
    Verdict reload = Verdict.of(file, VALIDATE.atReload());
    assertThat(validate.problems())
        .as("a reload refuses only what validate refuses, %s", file)
        .containsAll(reload.problems());
    for (String only : minus(validate.problems(), reload.problems())) {
      assertThat(only)
          .as("validate refuses beyond a reload only a missing priority-order file")
          .contains("priority-order file ");
    }
    if (!validate.accepted()) {
      assertThat(validate.problems())
          .allSatisfy(p -> assertThat(p).doesNotContain("Exception").doesNotContain("\tat "));
    }
  }

  /**
   * What the daemon builds at start before it opens anything: every router configuration, every
   * probe.
   */
  private static void startUp(Path file) {
    Config c;
    try {
      c = ConfigLoader.load(file, VALIDATE);
    } catch (ConfigException e) {
      throw new AssertionError(e);
    }
    assertThat(EngineAssembly.routerConfigs(c, LoadPathAgreementTest::primary)).isNotEmpty();
    for (CheckSpec spec : c.checks().values()) {
      assertThat(probes.create(spec.probe())).as(spec.name()).isNotNull();
    }
  }

  /** The address a transport would find: the configured source, else one of the family. */
  private static InetAddress primary(InstanceConfig i) {
    return i.source()
        .orElse(InetAddress.ofLiteral(i.family() == AddressFamily.IPV4 ? "198.18.0.1" : "fe80::1"));
  }

  private static Verdict validateCommand(Path file) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = VrrpAgentCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("validate", "--config", file.toString());
    assertThat(exit).as("validate %s: %s", file, err).isIn(0, 2);
    assertThat(err.toString())
        .as("no stack trace")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    List<String> lines =
        err.toString().lines().filter(l -> !l.endsWith("configuration refused")).toList();
    return new Verdict(exit == 0, lines);
  }

  private static int checksCommandExit(Path file) {
    CommandLine cli = VrrpAgentCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("checks", "--config", file.toString());
    assertThat(err.toString())
        .as("no stack trace")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
    return exit;
  }

  private static Set<String> minus(List<String> a, List<String> b) {
    Set<String> out = new TreeSet<>(a);
    b.forEach(out::remove);
    return out;
  }

  /**
   * Deterministic edits of a YAML file: drop, duplicate, swap or re-indent a line, or replace a
   * value.
   */
  static final class Mutator {
    private static final List<String> VALUES =
        List.of(
            "0",
            "-1",
            "1",
            "255",
            "256",
            "65536",
            "abc",
            "1.5",
            "1s",
            "10ms",
            "0s",
            "41s",
            "true",
            "false",
            "null",
            "[]",
            "{}",
            "\"\"",
            "198.18.0.1",
            "198.18.0.300",
            "::1",
            "fd00:198:18::1/64",
            "198.18.0.53/24",
            "BOGUS",
            "TXT",
            "AAAA",
            "http://x",
            "https://127.0.0.1/",
            "/nonexistent",
            "./notify",
            "x:y",
            "[1, 2]",
            "eth0",
            "rdns0",
            "rdns1",
            "255.255.255.255",
            "not-an-address",
            "[not-an-address]");

    private Mutator() {}

    static String mutate(List<String> original, Random random) {
      List<String> lines = new ArrayList<>(original);
      int edits = 1 + random.nextInt(2);
      for (int e = 0; e < edits && !lines.isEmpty(); e++) {
        int at = random.nextInt(lines.size());
        switch (random.nextInt(6)) {
          case 0 -> lines.remove(at);
          case 1 -> lines.add(at, lines.get(at));
          case 2 -> {
            if (at + 1 < lines.size()) {
              lines.set(at, lines.set(at + 1, lines.get(at)));
            }
          }
          case 3 ->
              lines.set(
                  at,
                  (random.nextBoolean() ? "  " : "")
                      + lines.get(at).replaceFirst("^  ", random.nextBoolean() ? "" : "  "));
          default -> lines.set(at, replaceValue(lines.get(at), random));
        }
      }
      return String.join("\n", lines) + "\n";
    }

    /**
     * The text after the first ": " (or one list item inside [ ]) becomes a value from the pool.
     */
    private static String replaceValue(String line, Random random) {
      String value = VALUES.get(random.nextInt(VALUES.size()));
      int open = line.indexOf('[');
      int close = line.indexOf(']', open + 1);
      if (open >= 0 && close > open && random.nextBoolean()) {
        String[] items = line.substring(open + 1, close).split(",", -1);
        items[random.nextInt(items.length)] = " " + value;
        return line.substring(0, open + 1)
            + String.join(",", items).strip()
            + line.substring(close);
      }
      int colon = line.indexOf(": ");
      if (colon < 0) {
        return line + " " + value;
      }
      String rest = line.substring(colon + 2);
      int comment = rest.indexOf(" #");
      return line.substring(0, colon + 2)
          + value
          + (comment >= 0 && !rest.startsWith("[") ? rest.substring(comment) : "");
    }
  }
}
