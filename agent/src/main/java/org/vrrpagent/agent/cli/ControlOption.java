package org.vrrpagent.agent.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** The shared {@code --control URL} option of the commands that talk to a running agent. */
public final class ControlOption {
  /** The control API's default address (the agent's {@code control.listen} default). */
  public static final String DEFAULT_URL = "http://127.0.0.1:9740";

  @Option(
      names = "--control",
      paramLabel = "URL",
      defaultValue = "${env:VRRP_AGENT_CONTROL:-" + DEFAULT_URL + "}",
      description = {
        "The agent's control API: http://HOST:PORT, or unix:/PATH for its unix socket",
        "(default: ${DEFAULT-VALUE}; environment VRRP_AGENT_CONTROL)."
      })
  URI control;

  ControlClient client() {
    return new ControlClient(control);
  }
}
