package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.base.ProcessTable;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ScriptProbeSpec;

/**
 * The script probe with real programs: exit codes, hangs killed with their children, floods,
 * another user.
 */
class ScriptProbeTest {
  @RegisterExtension static final ProbeRuns probes = new ProbeRuns();

  static ProbeResult run(ScriptProbeSpec spec, Duration timeout) throws Exception {
    return probes.run(spec, timeout);
  }

  @Test
  void exitZeroIsUpAndOutputIsKept() throws Exception {
    ProbeResult r =
        run(
            ScriptProbeSpec.of("/bin/sh", "-c", "echo all good; echo on stderr >&2"),
            Duration.ofSeconds(5));
    assertThat(r.isUp()).isTrue();
    assertThat(r.reason()).isEqualTo("exit 0");
    assertThat(r.output()).isEqualTo("all good\non stderr\n");
    assertThat(r.outputTruncated()).isFalse();
  }

  @Test
  void exitOneIsDownWithTheLastOutputLine() throws Exception {
    ProbeResult r =
        run(
            ScriptProbeSpec.of(
                "/bin/sh", "-c", "echo checking; echo 'named: not answering'; exit 1"),
            Duration.ofSeconds(5));
    assertThat(r.isUp()).isFalse();
    assertThat(r.reason()).isEqualTo("exit 1: named: not answering");
  }

  @Test
  void argvIsNotAShell() throws Exception {
    ProbeResult r =
        run(ScriptProbeSpec.of("/bin/echo", "$HOME", ";", "exit", "1"), Duration.ofSeconds(5));
    assertThat(r.isUp()).isTrue();
    assertThat(r.output()).isEqualTo("$HOME ; exit 1\n");
  }

  @Test
  void missingProgramIsDown() throws Exception {
    ProbeResult r = run(ScriptProbeSpec.of("/nonexistent/check-thing"), Duration.ofSeconds(5));
    assertThat(r.isUp()).isFalse();
    assertThat(r.reason()).isEqualTo("cannot start /nonexistent/check-thing: no such file");
  }

  @Test
  void hangingScriptAndItsChildrenAreKilledWithNoProcessLeft(@TempDir Path tmp) throws Exception {
    Path pidFile = tmp.resolve("pid");
    // The script starts a background child, records its own process group, and hangs.
    ScriptProbeSpec spec =
        new ScriptProbeSpec(
            List.of(
                "/bin/sh", "-c", "sleep 600 & echo $(ps -o pgid= $$) > " + pidFile + "; sleep 600"),
            null,
            // SIGTERM ends this group at once; the grace only bounds how long the runner waits
            // for the group to empty and the JDK to reap the script, generous for a loaded machine.
            Duration.ofSeconds(10),
            null);
    ProbeResult r = run(spec, Duration.ofMillis(400));
    assertThat(r.reason()).isEqualTo("timed out after 400ms (process group terminated)");
    long pgid = Long.parseLong(Files.readString(pidFile).strip());
    Awaitility.await("process group " + pgid + " gone")
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTable.group(pgid).stream().noneMatch(s -> !s.endsWith(" Z")));
    assertThat(ProcessTable.group(pgid))
        .as("nothing of group %d left, not even a zombie", pgid)
        .satisfiesAnyOf(
            l -> assertThat(l).isEmpty(),
            l -> assertThat(l).allMatch(s -> s.endsWith(" Z") && !s.startsWith(pgid + " ")));
    assertThat(Path.of("/proc/" + pgid)).as("the script itself was reaped").doesNotExist();
  }

  @Test
  void scriptIgnoringSigtermIsKilledAfterTheGrace(@TempDir Path tmp) throws Exception {
    Path pidFile = tmp.resolve("pid");
    ScriptProbeSpec spec =
        new ScriptProbeSpec(
            List.of(
                "/bin/sh",
                "-c",
                "trap '' TERM; echo $$ > " + pidFile + "; while :; do sleep 0.05; done"),
            null,
            Duration.ofMillis(300),
            null);
    ProbeResult r = run(spec, Duration.ofMillis(300));
    assertThat(r.reason())
        .isEqualTo("timed out after 300ms (process group killed after 300ms grace)");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcessTable.group(pid).stream().allMatch(s -> s.endsWith(" Z")));
    assertThat(Path.of("/proc/" + pid)).doesNotExist();
  }

  @Test
  void floodOfOutputIsCutAtTheLimitAndTheScriptStillFinishes() throws Exception {
    ScriptProbeSpec spec =
        new ScriptProbeSpec(
            List.of("/bin/sh", "-c", "head -c 5000000 /dev/zero | tr '\\0' x; exit 0"),
            null,
            null,
            1000);
    ProbeResult r = run(spec, Duration.ofSeconds(10));
    assertThat(r.reason()).isEqualTo("exit 0");
    assertThat(r.output()).hasSize(1000).matches("x+");
    assertThat(r.outputTruncated()).isTrue();
  }

  @Test
  void runsAsTheConfiguredUser() throws Exception {
    ScriptProbeSpec spec = new ScriptProbeSpec(List.of("/usr/bin/id", "-un"), "nobody", null, null);
    ProbeResult r = run(spec, Duration.ofSeconds(5));
    assertThat(r.reason()).isEqualTo("exit 0");
    assertThat(r.output().strip()).isEqualTo("nobody");
  }

  @Test
  void unknownUserIsAConfigurationError() {
    ScriptProbeSpec spec = new ScriptProbeSpec(List.of("/bin/true"), "no-such-user-x", null, null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> probes.create(spec))
        .hasMessage(
            "user \"no-such-user-x\" is not in /etc/passwd (expected: a user of this host)");
  }

  @Test
  void anotherUserNeedsSetuidAndSetgidCapabilities() {
    long both = (1L << 6) | (1L << 7);
    ScriptProbe.checkUserSwitch("nobody", both); // root, or the capabilities granted: fine
    for (long caps : new long[] {0, 1L << 6, 1L << 7, (1L << 12) | (1L << 13)}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> ScriptProbe.checkUserSwitch("nobody", caps))
          .as("CapEff %x", caps)
          .hasMessageContaining("user \"nobody\": the agent runs as ")
          .hasMessageContaining("without CAP_SETUID and CAP_SETGID")
          .hasMessageContaining("(expected: leave out user:");
    }
    // The agent's own user needs no switch, whatever its capabilities.
    ScriptProbe.checkUserSwitch(System.getProperty("user.name"), 0);
    ScriptProbeSpec self =
        new ScriptProbeSpec(List.of("/bin/true"), System.getProperty("user.name"), null, null);
    assertThat(new ScriptProbe(self, null).command()).containsExactly("/bin/true");
  }

  /**
   * Issue 10 fault 2: a script whose child keeps stdout open ({@code sleep N & exit 0}). Each run
   * used to leave the child, the pipe, a pinned carrier and a JDK reaper thread behind.
   */
  @Test
  void aChildKeepingStdoutOpenNeitherDelaysTheCheckNorOutlivesTheRun() throws Exception {
    String mark = ProcessTable.mark(700_000);
    Probe probe = probes.create(ScriptProbeSpec.of("/bin/sh", "-c", "sleep " + mark + " & exit 0"));
    for (int i = 0; i < 10; i++) { // the JDK's reaper pool and the runner's first threads
      probe.run(Duration.ofSeconds(2)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    long self = ProcessHandle.current().pid();
    int threadsBefore = ProcessTable.threads(self);
    long fdsBefore = ProcessTable.descriptors(self);
    for (int i = 0; i < 100; i++) {
      ProbeResult r =
          probe.run(Duration.ofSeconds(2)).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(r.reason()).isEqualTo("exit 0");
      assertThat(Duration.ofNanos(r.latencyNanos())).isLessThan(Duration.ofSeconds(1));
    }
    assertThat(ProcessTable.running("sleep", mark)).as("children left").isZero();
    assertThat(ProcessTable.threads(self)).as("threads").isLessThan(threadsBefore + 10);
    assertThat(ProcessTable.descriptors(self)).as("descriptors").isLessThan(fdsBefore + 5);
  }
}
