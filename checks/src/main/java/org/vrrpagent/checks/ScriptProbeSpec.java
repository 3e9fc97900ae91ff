package org.vrrpagent.checks;

import java.time.Duration;
import java.util.List;

/**
 * {@code script}: run a program (argv, no shell — write {@code [/bin/sh, -c, "…"]} for one); exit 0
 * is up. It runs in its own session and process group; on timeout the whole group gets SIGTERM,
 * then SIGKILL after {@code kill-grace}.
 *
 * @param exec YAML {@code exec}: the program and its arguments (argv); required
 * @param user run as this user (and its primary group and supplementary groups) via {@code
 *     setpriv}; default: the agent's user
 * @param killGrace YAML {@code kill-grace}: time between SIGTERM and SIGKILL; default 1s
 * @param maxOutputBytes YAML {@code max-output-bytes}: most bytes of stdout+stderr kept; the rest
 *     is read and dropped; default {@value #DEFAULT_MAX_OUTPUT_BYTES}
 */
public record ScriptProbeSpec(
    List<String> exec, String user, Duration killGrace, Integer maxOutputBytes)
    implements ProbeSpec {

  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(1);
  public static final Duration MAX_KILL_GRACE = Duration.ofMinutes(1);
  public static final int DEFAULT_MAX_OUTPUT_BYTES = 4096;
  public static final int MAX_OUTPUT_BYTES_LIMIT = 1024 * 1024;
  public static final int MAX_ARGS = 256;

  public ScriptProbeSpec {
    exec = OptionRules.argv(exec, "exec", MAX_ARGS);
    if (user != null && (user.isBlank() || !user.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]*\\$?"))) {
      throw OptionRules.invalid(
          "user",
          "user "
              + OptionRules.quote(user)
              + " is not a user name (expected: a user in /etc/passwd)");
    }
    killGrace =
        OptionRules.range(
            killGrace, DEFAULT_KILL_GRACE, Duration.ZERO, MAX_KILL_GRACE, "kill-grace");
    maxOutputBytes =
        OptionRules.range(
            maxOutputBytes,
            DEFAULT_MAX_OUTPUT_BYTES,
            0,
            MAX_OUTPUT_BYTES_LIMIT,
            "max-output-bytes");
  }

  public static ScriptProbeSpec of(String... exec) {
    return new ScriptProbeSpec(List.of(exec), null, null, null);
  }

  @Override
  public String kind() {
    return "script";
  }

  @Override
  public String describe() {
    return "script " + String.join(" ", exec) + (user != null ? " as " + user : "");
  }
}
