package org.vrrpagent.agent.config;

/**
 * The {@code limits:} block: process-wide bounds an operator may raise or lower. Read at start; a
 * change needs a restart.
 *
 * @param runningScripts script-check runs live at once over all checks (1..4096, default 64); past
 *     it a run is not started and its check is down for that run
 */
public record LimitsConfig(int runningScripts) {
  public static final int DEFAULT_RUNNING_SCRIPTS = 64;
  public static final int MAX_RUNNING_SCRIPTS = 4096;
  public static final LimitsConfig DEFAULT = new LimitsConfig(DEFAULT_RUNNING_SCRIPTS);

  public LimitsConfig {
    if (runningScripts < 1 || runningScripts > MAX_RUNNING_SCRIPTS) {
      throw new IllegalArgumentException(
          "running-scripts " + runningScripts + " (expected: 1.." + MAX_RUNNING_SCRIPTS + ")");
    }
  }
}
