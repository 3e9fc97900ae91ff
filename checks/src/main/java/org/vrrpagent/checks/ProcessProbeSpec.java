package org.vrrpagent.checks;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * {@code process}: is a process running, read from {@code /proc} (no {@code pgrep} fork). Give
 * {@code name}, {@code cmdline}, or both (a process must match both), or {@code pid-file} alone.
 *
 * @param name the process name as in {@code /proc/PID/comm} (at most 15 characters, exact match)
 * @param cmdline regex (find) over the full command line, arguments joined by single spaces
 * @param pidFile YAML {@code pid-file}: file holding a PID; up when that process exists and is not
 *     a zombie
 * @param minCount YAML {@code min-count}: at least this many matching processes; default {@value
 *     #DEFAULT_MIN_COUNT}
 */
public record ProcessProbeSpec(String name, String cmdline, Path pidFile, Integer minCount)
    implements ProbeSpec {

  public static final int DEFAULT_MIN_COUNT = 1;
  public static final int MAX_MIN_COUNT = 10_000;

  /** Longest {@code /proc/PID/comm} name (TASK_COMM_LEN - 1). */
  public static final int MAX_NAME_CHARS = 15;

  /** Most bytes of {@code /proc/PID/cmdline} read per process. */
  public static final int MAX_CMDLINE_BYTES = 4096;

  /** Most bytes read from a pid file. */
  public static final int MAX_PID_FILE_BYTES = 64;

  /** Most {@code /proc} entries looked at per run. */
  public static final int MAX_PROCESSES_SCANNED = 1 << 20;

  public ProcessProbeSpec {
    if (name != null && (name.isBlank() || name.length() > MAX_NAME_CHARS || name.contains("/"))) {
      throw OptionRules.invalid(
          "name",
          "process name "
              + OptionRules.quote(name)
              + " (expected: the kernel's name of at most "
              + MAX_NAME_CHARS
              + " characters without \"/\"; use cmdline for the full command line)");
    }
    OptionRules.regex(cmdline, "cmdline");
    pidFile = OptionRules.absolutePath(pidFile, "pid-file");
    java.util.List<String> given = new java.util.ArrayList<>();
    if (name != null) {
      given.add("name");
    }
    if (cmdline != null) {
      given.add("cmdline");
    }
    if (pidFile != null) {
      given.add("pid-file");
    }
    if (given.isEmpty()) {
      throw OptionRules.invalid(
          "",
          "process probe has none of name, cmdline, pid-file"
              + " (expected: name, cmdline, both, or pid-file alone)");
    }
    if (pidFile != null && given.size() > 1) {
      throw InvalidOptionException.presence(
          "pid-file",
          "process probe has both "
              + given.get(0)
              + " and pid-file"
              + " (expected: name, cmdline, both, or pid-file alone)");
    }
    if (pidFile != null && minCount != null) {
      throw InvalidOptionException.presence(
          "min-count",
          "min-count is set with pid-file (expected: no min-count; a pid file names one process)");
    }
    minCount = OptionRules.range(minCount, DEFAULT_MIN_COUNT, 1, MAX_MIN_COUNT, "min-count");
  }

  public static ProcessProbeSpec named(String name) {
    return new ProcessProbeSpec(name, null, null, null);
  }

  public Pattern cmdlinePattern() {
    return OptionRules.regex(cmdline, "cmdline");
  }

  @Override
  public String kind() {
    return "process";
  }

  @Override
  public String describe() {
    if (pidFile != null) {
      return "process pid-file " + pidFile;
    }
    return "process"
        + (name != null ? " name " + name : "")
        + (cmdline != null ? " cmdline " + cmdline : "")
        + (minCount > 1 ? " min-count " + minCount : "");
  }
}
