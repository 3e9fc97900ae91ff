package org.vrrpagent.core.linux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short system command ({@code ip …}) with a time limit and an output limit, and
 * reports the exit status and what it wrote. Nothing here interprets the output.
 *
 * <p>Commands run in the C locale ({@code LC_ALL=C}) with no input. Limits: {@link #timeout()} (the process and its children are killed when it passes) and
 * {@link #maxOutputBytes()} per stream (the rest is read and discarded so the process never
 * blocks on a full pipe; {@link Result#truncated()} says so).
 */
public final class CommandRunner {
  /** Default time limit: {@code ip} answers in milliseconds; seconds mean something is stuck. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Default output limit per stream. */
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 1 << 20;

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
      throw new IllegalArgumentException("maxOutputBytes " + maxOutputBytes + " (expected: at least 1)");
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
  public record Result(List<String> command, int exitStatus, String stdout, String stderr, boolean truncated) {
    public boolean succeeded() {
      return exitStatus == 0;
    }

    /** {@code `ip addr add …` exited 2: RTNETLINK answers: File exists}. */
    public String describeFailure() {
      String err = stderr.strip();
      return "`" + String.join(" ", command) + "` exited " + exitStatus + (err.isEmpty() ? "" : ": " + err);
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
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().put("LC_ALL", "C"); // untranslated messages: errors read the same everywhere
      process = builder.start();
    } catch (IOException e) {
      throw new CommandException("cannot run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
    }
    BoundedReader out = new BoundedReader(process.getInputStream(), maxOutputBytes);
    BoundedReader err = new BoundedReader(process.getErrorStream(), maxOutputBytes);
    Thread outThread = Thread.ofVirtual().start(out);
    Thread errThread = Thread.ofVirtual().start(err);
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        kill(process);
        throw new CommandException("`" + String.join(" ", command) + "` did not finish within " + timeout + "; killed", null);
      }
      // The streams close when the process ends; a child that kept them open is bounded too.
      outThread.join(timeout);
      errThread.join(timeout);
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
      throw new CommandException("interrupted while running `" + String.join(" ", command) + "`", e);
    }
    return new Result(command, process.exitValue(), out.text(), err.text(), out.truncated() || err.truncated());
  }

  /** Kills the process and everything it started, by PID. */
  static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static final class BoundedReader implements Runnable {
    private final InputStream in;
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private volatile boolean truncated;

    BoundedReader(InputStream in, int limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          int room = limit - kept.size();
          if (room > 0) {
            kept.write(buffer, 0, Math.min(room, n));
          }
          if (n > room) {
            truncated = true;
          }
        }
      } catch (IOException e) {
        // the process went away; what we have is what it wrote
      }
    }

    synchronized String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }

    boolean truncated() {
      return truncated;
    }
  }
}
