package org.vrrpagent.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A command that asks a running agent something over the control API. Exit codes: 0 done, 1 agent
 * not reachable or it refused, 2 bad usage (picocli's).
 */
abstract class AgentCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ControlOption control;

  @Override
  public final Integer call() {
    ControlClient client;
    try {
      client = control.client();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      return call(client);
    } catch (ControlClient.AgentError e) {
      spec.commandLine().getErr().println("vrrp-agent " + spec.name() + ": " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
  }

  abstract int call(ControlClient client) throws ControlClient.AgentError;

  /** Prints a successful action's message. */
  int printMessage(ControlClient.Answer answer) throws ControlClient.AgentError {
    spec.commandLine().getOut().println(answer.json().path("message").asString(""));
    spec.commandLine().getOut().flush();
    return 0;
  }

  static String path(String instance) {
    return java.net.URLEncoder.encode(instance, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
