package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ProcessProbeSpec;

/** The process probe against real processes started by the test (and ended by PID). */
class ProcessProbeTest {
  @RegisterExtension static final ProbeRuns probes = new ProbeRuns();
  final List<Process> started = new ArrayList<>();

  /** A sleep duration unique to this run, so the command line regex finds only our processes. */
  final String marker = "4" + ThreadLocalRandom.current().nextInt(100_000, 999_999) + ".5";

  @AfterEach
  void endProcesses() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  Process sleeper() throws Exception {
    Process p = new ProcessBuilder("sleep", marker).start();
    started.add(p);
    return p;
  }

  static ProbeResult run(ProcessProbeSpec spec) throws Exception {
    return probes.run(spec, Duration.ofSeconds(2));
  }

  @Test
  void byCommandLineAndMinimumCount() throws Exception {
    String regex = "^sleep " + marker.replace(".", "\\.") + "$";
    ProcessProbeSpec one = new ProcessProbeSpec(null, regex, null, null);
    assertThat(run(one).reason())
        .isEqualTo("no process with command line matching " + regex + " (expected: at least 1)");
    sleeper();
    sleeper();
    assertThat(run(one).reason()).isEqualTo("2 processes with command line matching " + regex);
    ProcessProbeSpec three = new ProcessProbeSpec(null, regex, null, 3);
    assertThat(run(three).reason())
        .isEqualTo("2 processes with command line matching " + regex + " (expected: at least 3)");
    sleeper();
    assertThat(run(three).isUp()).isTrue();
  }

  @Test
  void byNameAndCommandLine() throws Exception {
    sleeper();
    String regex = marker.replace(".", "\\.");
    assertThat(run(new ProcessProbeSpec("sleep", regex, null, null)).isUp()).isTrue();
    assertThat(run(new ProcessProbeSpec("named", regex, null, null)).isUp()).isFalse();
    assertThat(run(ProcessProbeSpec.named("sleep")).isUp()).isTrue();
  }

  @Test
  void byPidFile(@TempDir Path tmp) throws Exception {
    Path pidFile = tmp.resolve("x.pid");
    ProcessProbeSpec spec = new ProcessProbeSpec(null, null, pidFile, null);
    assertThat(run(spec).reason()).isEqualTo("pid file " + pidFile + ": missing");
    Process p = sleeper();
    Files.writeString(pidFile, p.pid() + "\n");
    assertThat(run(spec).reason()).isEqualTo("pid " + p.pid() + " from " + pidFile + ": running");
    p.destroyForcibly();
    p.waitFor(5, TimeUnit.SECONDS);
    assertThat(run(spec).reason())
        .isEqualTo("pid " + p.pid() + " from " + pidFile + ": not running");
    Files.writeString(pidFile, "garbage");
    assertThat(run(spec).reason())
        .isEqualTo("pid file " + pidFile + ": \"garbage\" (expected: a process id)");
  }
}
