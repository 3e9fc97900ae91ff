package org.vrrpagent.checks;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vrrpagent.base.DurationText;

/**
 * The outcome of one probe run.
 *
 * @param status up or down
 * @param reason one line saying what was seen and, when down, what was expected: {@code "DNS
 *     127.0.0.1: SERVFAIL (expected: NOERROR)"}, {@code "HTTP 503 (expected: 200)"}, {@code "exit
 *     1"}, {@code "timed out after 1s"}; at most {@link #MAX_REASON_CHARS}
 * @param latencyNanos how long the run took, from start to verdict
 * @param output what a script printed (stdout and stderr), at most the script's output limit; empty
 *     otherwise
 * @param outputTruncated true when the script printed more than was kept
 * @param fileValue the integer read by a {@code file} probe (keepalived track_file); empty for
 *     other probes
 * @param warning a "degraded" note that does not make the check fail, e.g. a certificate about to
 *     expire; empty when there is none
 * @param certificateNotAfter the expiry of the server certificate an {@code https} probe saw
 */
public record ProbeResult(
    ProbeStatus status,
    String reason,
    long latencyNanos,
    String output,
    boolean outputTruncated,
    OptionalInt fileValue,
    String warning,
    Optional<Instant> certificateNotAfter) {

  /** Longest reason kept; longer reasons are cut and end in "…". */
  public static final int MAX_REASON_CHARS = 300;

  public ProbeResult {
    Objects.requireNonNull(status, "status");
    reason = oneLine(Objects.requireNonNull(reason, "reason"));
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("latencyNanos " + latencyNanos + " (expected: >= 0)");
    }
    output = Objects.requireNonNullElse(output, "");
    fileValue = Objects.requireNonNullElse(fileValue, OptionalInt.empty());
    warning = oneLine(Objects.requireNonNullElse(warning, ""));
    certificateNotAfter = Objects.requireNonNullElse(certificateNotAfter, Optional.empty());
  }

  public static ProbeResult up(String reason, long latencyNanos) {
    return of(ProbeStatus.UP, reason, latencyNanos);
  }

  public static ProbeResult down(String reason, long latencyNanos) {
    return of(ProbeStatus.DOWN, reason, latencyNanos);
  }

  /** A result with nothing but its verdict: no output, file value, warning or certificate. */
  private static ProbeResult of(ProbeStatus status, String reason, long latencyNanos) {
    return new ProbeResult(
        status, reason, latencyNanos, "", false, OptionalInt.empty(), "", Optional.empty());
  }

  /** The result of a run that did not finish within its timeout. */
  public static ProbeResult timedOut(java.time.Duration timeout, long latencyNanos) {
    return down("timed out after " + DurationText.of(timeout), latencyNanos);
  }

  public boolean isUp() {
    return status == ProbeStatus.UP;
  }

  public ProbeResult withOutput(String output, boolean truncated) {
    return new ProbeResult(
        status, reason, latencyNanos, output, truncated, fileValue, warning, certificateNotAfter);
  }

  public ProbeResult withFileValue(int value) {
    return new ProbeResult(
        status,
        reason,
        latencyNanos,
        output,
        outputTruncated,
        OptionalInt.of(value),
        warning,
        certificateNotAfter);
  }

  public ProbeResult withWarning(String warning) {
    return new ProbeResult(
        status,
        reason,
        latencyNanos,
        output,
        outputTruncated,
        fileValue,
        warning,
        certificateNotAfter);
  }

  public ProbeResult withCertificateNotAfter(Instant notAfter) {
    return new ProbeResult(
        status,
        reason,
        latencyNanos,
        output,
        outputTruncated,
        fileValue,
        warning,
        Optional.of(notAfter));
  }

  public ProbeResult withLatencyNanos(long latencyNanos) {
    return new ProbeResult(
        status,
        reason,
        latencyNanos,
        output,
        outputTruncated,
        fileValue,
        warning,
        certificateNotAfter);
  }

  private static String oneLine(String text) {
    String line = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return line.length() <= MAX_REASON_CHARS ? line : line.substring(0, MAX_REASON_CHARS - 1) + "…";
  }
}
