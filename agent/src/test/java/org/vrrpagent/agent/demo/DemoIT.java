package org.vrrpagent.agent.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * {@code bin/vrrp-agent demo} as a user (or CI) runs it: the real launcher, standard input not a
 * terminal, as root. It must play every step, exit 0, and leave no namespace, process or directory
 * behind; a failed step must exit non-zero and clean up just the same, and so must SIGTERM and
 * SIGINT (Ctrl-C) in the middle.
 */
class DemoIT {
  /**
   * The whole demo: lab, three JVMs starting on a busy 2-core machine, six steps of a few seconds.
   */
  static final Duration WHOLE_DEMO = Duration.ofSeconds(240);

  static final Pattern PREFIX = Pattern.compile("\\b(" + NetnsDemoNetwork.STEM + "[0-9a-f]{4})-");

  /** The machine's own agent's state file: the demo's agents must never write it. */
  static final Path MACHINE_STATE_FILE = Path.of("/run/vrrp-agent/state.json");

  @TempDir Path tmp;
  Process demo;
  String machineStateBefore;

  @org.junit.jupiter.api.BeforeEach
  void rememberMachineState() throws IOException {
    machineStateBefore = machineState();
  }

  static String machineState() throws IOException {
    return Files.exists(MACHINE_STATE_FILE)
        ? Files.getLastModifiedTime(MACHINE_STATE_FILE) + " " + Files.readString(MACHINE_STATE_FILE)
        : "absent";
  }

  @AfterEach
  void stopDemo() throws IOException {
    if (demo != null && demo.isAlive()) {
      demo.destroyForcibly();
    }
    assertThat(machineState())
        .as(MACHINE_STATE_FILE + ", untouched by the demo")
        .isEqualTo(machineStateBefore);
  }

  /** The checkout's root: the directory holding {@code mvnw} and {@code bin/vrrp-agent}. */
  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("mvnw"))
          && Files.isExecutable(dir.resolve("bin/vrrp-agent"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the checkout above " + System.getProperty("user.dir"));
  }

  Path output;

  Process start(String... args) throws IOException {
    output = tmp.resolve("demo.out");
    List<String> cmd =
        new java.util.ArrayList<>(List.of(repoRoot().resolve("bin/vrrp-agent").toString(), "demo"));
    cmd.addAll(List.of(args));
    demo =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    return demo;
  }

  String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  int awaitExit(Duration within) throws Exception {
    if (!demo.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the demo did not end within " + within + ":\n" + output());
    }
    return demo.exitValue();
  }

  /**
   * The lab's prefix as the demo printed it (in the --keep text, the removal line, or a namespace
   * name).
   */
  String prefixIn(String out) {
    Matcher m = PREFIX.matcher(out);
    assertThat(m.find())
        .as("a " + NetnsDemoNetwork.STEM + "XXXX prefix in the output:\n" + out)
        .isTrue();
    return m.group(1);
  }

  /**
   * Nothing the demo with this prefix made is left: no namespace, no process, no work directory.
   */
  static void assertNothingLeft(String prefix) throws IOException {
    assertThat(NetnsLab.namespacesWithStem(NetnsDemoNetwork.STEM))
        .noneMatch(ns -> ns.startsWith(prefix + "-"));
    List<String> processes =
        ProcessHandle.allProcesses()
            .map(p -> p.info().commandLine().orElse(""))
            .filter(c -> c.contains(prefix + "-lab"))
            .toList();
    assertThat(processes).as("processes started by the demo").isEmpty();
    try (Stream<Path> list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertThat(list.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(prefix + "-lab"));
    }
  }

  @Test
  void unattendedDemoPlaysEveryStepExitsZeroAndLeavesNothingBehind() throws Exception {
    start();
    int exit = awaitExit(WHOLE_DEMO);
    String out = output();
    System.out.println(out);
    assertThat(exit).as(out).isZero();
    assertThat(out)
        .contains("a real failover in a network-namespace lab")
        .doesNotContain("SIMULATION");
    assertThat(out).contains(DemoSteps.EVERY_STEP_OK);
    assertThat(out).doesNotContain("press Enter").doesNotContain("\033[");
    // The table shows the check's failure as the reason for h1's lower priority.
    assertThat(out).containsPattern("h1 +BACKUP +190 +- +.*web_ok");
    String prefix = prefixIn(out);
    assertThat(out).contains("Lab removed: namespaces " + prefix + "-*");
    assertNothingLeft(prefix);
  }

  @Test
  void aStepThatDoesNotHappenFailsTheDemoNamesTheStepAndStillCleansUp() throws Exception {
    start("--inject-fault", "SERVICE_STAYS_UP");
    int exit = awaitExit(WHOLE_DEMO);
    String out = output();
    assertThat(exit).as(out).isEqualTo(1);
    assertThat(out)
        .contains("ok: h1 holds 198.18.0.100 (counting from the agents' start) after")
        .contains(
            "FAILED: Step 2/6: The master's service dies: not within 20 s: 198.18.0.100 on h1 (expected: h2 alone)")
        .doesNotContain("== Step 3/6")
        .contains("--- agent h1, last lines of its log ---");
    String prefix = prefixIn(out);
    assertThat(out).contains("Lab removed: namespaces " + prefix + "-*");
    assertNothingLeft(prefix);
  }

  @Test
  void keepLeavesAWorkingLabThatCleanRemoves() throws Exception {
    start("--keep");
    int exit = awaitExit(WHOLE_DEMO);
    String out = output();
    String prefix = prefixIn(out);
    try {
      assertThat(exit).as(out).isZero();
      assertThat(out)
          .contains(
              "The lab stays up (--keep)",
              "ip netns exec " + prefix + "-h1 bin/vrrp-agent status",
              "bin/vrrp-agent demo --clean");
      // The lab outlives the demo: the agents answer, h2 holds the address, the web servers run as
      // processes.
      Process status =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  prefix + "-h2",
                  repoRoot().resolve("bin/vrrp-agent").toString(),
                  "status")
              .redirectErrorStream(true)
              .start();
      assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String text = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(status.exitValue()).as(text).isZero();
      assertThat(text)
          .contains("node h2")
          .containsPattern("web +MASTER +250")
          .containsPattern("web_ok +up");
    } finally {
      Process clean =
          new ProcessBuilder(repoRoot().resolve("bin/vrrp-agent").toString(), "demo", "--clean")
              .redirectErrorStream(true)
              .start();
      assertThat(clean.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String text = new String(clean.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(clean.exitValue()).as(text).isZero();
      assertThat(text).contains(prefix + ": removed namespaces");
    }
    assertNothingLeft(prefix);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void aSignalInTheMiddleRemovesEverything(String signal) throws Exception {
    start();
    // Wait until the lab is built and the agents run: the first step's table has been printed.
    Awaitility.await("the demo's first step")
        .atMost(WHOLE_DEMO)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> output().contains("ok: h1 holds") || !demo.isAlive());
    assertThat(demo.isAlive()).as(output()).isTrue();
    String prefix = prefixIn(output());
    assertThat(NetnsLab.namespacesWithStem(NetnsDemoNetwork.STEM))
        .contains(prefix + "-h1", prefix + "-sw");
    assertThat(
            ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(prefix + "-lab"))
                .count())
        .as("the three agents")
        .isGreaterThanOrEqualTo(3);
    // The launcher execs java: the process we started is the demo's JVM.
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(demo.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    int exit = awaitExit(Duration.ofSeconds(60));
    assertThat(exit).as(output()).isNotZero();
    assertThat(output()).contains("interrupted; everything it made is removed");
    assertNothingLeft(prefix);
  }
}
