package org.vrrpagent.checks.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.base.ProcessGroupRunner;
import org.vrrpagent.base.ProcessGroupRunner.Result;
import org.vrrpagent.base.ProcessGroupRunner.Run;
import org.vrrpagent.checks.InvalidOptionException;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ScriptProbeSpec;

/**
 * The {@code script} probe, run by the shared {@link ProcessGroupRunner}: the program leads its own
 * process group for the whole run; output is read until the program exits (a background child
 * holding stdout does not keep the run open); at the timeout the group gets SIGTERM and, after
 * {@code kill-grace}, SIGKILL; when the program exits, anything it left in its group is terminated
 * the same way. With {@code user}, {@code setpriv} switches to that user's uid, primary gid and
 * supplementary groups before exec; the primary gid comes from /etc/passwd ({@link PasswdFile},
 * read again only when it changed).
 */
final class ScriptProbe implements Probe {
  private final ScriptProbeSpec spec;
  private final ProcessGroupRunner runner;

  ScriptProbe(ScriptProbeSpec spec, ProcessGroupRunner runner) {
    this.spec = spec;
    this.runner = runner;
  }

  List<String> command() {
    List<String> cmd = new ArrayList<>();
    if (spec.user() != null && !spec.user().equals(System.getProperty("user.name"))) {
      long gid = PasswdFile.SYSTEM.primaryGid(spec.user());
      cmd.addAll(
          List.of("setpriv", "--reuid=" + spec.user(), "--regid=" + gid, "--init-groups", "--"));
    }
    cmd.addAll(spec.exec());
    return cmd;
  }

  @Override
  public CompletionStage<ProbeResult> run(Duration timeout) {
    Run run;
    try {
      run =
          Run.of(command(), timeout)
              .withKillGrace(spec.killGrace())
              .withMaxOutputBytes(spec.maxOutputBytes());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          ProbeResult.down("cannot start " + spec.exec().getFirst() + ": " + e.getMessage(), 0));
    }
    return runner.start(run).thenApply(r -> result(r, timeout));
  }

  private static ProbeResult result(Result r, Duration timeout) {
    long latency = r.elapsed().toNanos();
    ProbeResult p =
        switch (r.outcome()) {
          case EXITED ->
              r.exitStatus() == 0
                  ? ProbeResult.up("exit 0", latency)
                  : ProbeResult.down("exit " + r.exitStatus() + lastLine(r.stdout()), latency);
          case TIMED_OUT ->
              ProbeResult.down(
                  "timed out after " + DurationText.of(timeout) + " (" + r.note() + ")", latency);
          case REFUSED, NOT_STARTED -> ProbeResult.down(r.note(), latency);
          case STOPPED -> ProbeResult.down("stopped at shutdown", latency);
        };
    return p.withOutput(r.stdout(), r.truncated());
  }

  private static String lastLine(String output) {
    String trimmed = output.strip();
    if (trimmed.isEmpty()) {
      return "";
    }
    String last = trimmed.substring(trimmed.lastIndexOf('\n') + 1).strip();
    return last.length() > 120 ? ": " + last.substring(0, 119) + "…" : ": " + last;
  }

  /** CAP_SETGID and CAP_SETUID: bits 6 and 7 of a capability set. */
  private static final long SETGID_SETUID = (1L << 6) | (1L << 7);

  /**
   * Checks that this process can run a script as {@code user}: the agent's own user needs nothing
   * (no switch), any other user needs CAP_SETUID and CAP_SETGID in the effective set (root has
   * them; the systemd unit's unprivileged user does not).
   *
   * @throws InvalidOptionException naming the user and what to do
   */
  static void checkUserSwitch(String user, long effectiveCapabilities) {
    PasswdFile.SYSTEM.primaryGid(user);
    if (user.equals(System.getProperty("user.name"))) {
      return;
    }
    if ((effectiveCapabilities & SETGID_SETUID) != SETGID_SETUID) {
      throw new InvalidOptionException(
          "user",
          "user \""
              + user
              + "\": the agent runs as "
              + System.getProperty("user.name")
              + " without CAP_SETUID and CAP_SETGID, so it cannot run a script as another user"
              + " (expected: leave out user: to run the script as the agent's user, or add"
              + " CAP_SETUID CAP_SETGID to the unit's AmbientCapabilities)");
    }
  }

  /** This process's effective capabilities ({@code CapEff} of /proc/self/status); 0 if unknown. */
  static long effectiveCapabilities() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
