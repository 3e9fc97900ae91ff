package org.vrrpagent.core.linux;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.base.ProcessGroupRunner;

/**
 * Runs a short system command ({@code ip …}) with a time limit and an output limit, and reports the
 * exit status and what it wrote. Nothing here interprets the output.
 *
 * <p>Commands run in the C locale ({@code LC_ALL=C}) with no input, through one shared {@link
 * ProcessGroupRunner} (their own process group; at most {@link #MAX_LIVE_COMMANDS} at once).
 * Limits: {@link #timeout()} (the process group gets SIGTERM when it passes, SIGKILL after {@link
 * #KILL_GRACE}) and {@link #maxOutputBytes()} per stream (the rest is read and discarded so the
 * process never blocks on a full pipe; {@link Result#truncated()} says so).
 */
public final class CommandRunner {
  /** Default time limit: {@code ip} answers in milliseconds; seconds mean something is stuck. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Default output limit per stream. */
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

  /** Between SIGTERM and SIGKILL of a command past its time limit. */
  static final Duration KILL_GRACE = Duration.ofMillis(500);

  /** Commands live at once, over all instances: address changes are serial per router. */
  public static final int MAX_LIVE_COMMANDS = 32;

  private static final ProcessGroupRunner RUNS =
      new ProcessGroupRunner("command", MAX_LIVE_COMMANDS);

  private final Duration timeout;
  private final int maxOutputBytes;

  public CommandRunner() {
    this(DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT_BYTES);
  }

  public CommandRunner(Duration timeout, int maxOutputBytes) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout " + timeout + " (expected: positive)");
    }
    if (maxOutputBytes < 1) {
      throw new IllegalArgumentException(
          "maxOutputBytes " + maxOutputBytes + " (expected: at least 1)");
    }
    this.timeout = timeout;
    this.maxOutputBytes = maxOutputBytes;
  }

  public Duration timeout() {
    return timeout;
  }

  public int maxOutputBytes() {
    return maxOutputBytes;
  }

  /**
   * What a command did.
   *
   * @param command the argv, for messages
   * @param exitStatus the exit status
   * @param stdout standard output (UTF-8, at most the limit)
   * @param stderr standard error (UTF-8, at most the limit)
   * @param truncated whether either stream was longer than the limit
   */
  public record Result(
      List<String> command, int exitStatus, String stdout, String stderr, boolean truncated) {
    public boolean succeeded() {
      return exitStatus == 0;
    }

    /** {@code `ip addr add …` exited 2: RTNETLINK answers: File exists}. */
    public String describeFailure() {
      String err = stderr.strip();
      return "`"
          + String.join(" ", command)
          + "` exited "
          + exitStatus
          + (err.isEmpty() ? "" : ": " + err);
    }
  }

  /** A command that could not start or did not finish in time. */
  public static final class CommandException extends RuntimeException {
    public CommandException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Runs {@code argv} with no input and waits for it within the time limit.
   *
   * @throws CommandException when it cannot start or runs over the time limit (it is killed)
   */
  public Result run(List<String> argv) {
    Objects.requireNonNull(argv, "argv");
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    List<String> command = List.copyOf(argv);
    ProcessGroupRunner.Result r;
    try {
      r =
          RUNS.run(
              ProcessGroupRunner.Run.of(command, timeout)
                  .withExtraEnvironment(
                      Map.of(
                          "LC_ALL", "C")) // untranslated messages: errors read the same everywhere
                  .withKillGrace(KILL_GRACE)
                  .withMaxOutputBytes(maxOutputBytes)
                  .withSeparateStderr());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(
          "interrupted while running `" + String.join(" ", command) + "`", e);
    }
    return switch (r.outcome()) {
      case EXITED -> new Result(command, r.exitStatus(), r.stdout(), r.stderr(), r.truncated());
      case TIMED_OUT ->
          throw new CommandException(
              "`"
                  + String.join(" ", command)
                  + "` did not finish within "
                  + DurationText.of(timeout)
                  + "; "
                  + r.note(),
              null);
      case REFUSED, NOT_STARTED, STOPPED ->
          throw new CommandException(
              "cannot run `" + String.join(" ", command) + "`: " + r.note(), null);
    };
  }

  /**
   * The commands' process-group runs (live, started, refused, timed out), shared by every instance,
   * for metrics.
   */
  public static ProcessGroupRunner runs() {
    return RUNS;
  }
}
