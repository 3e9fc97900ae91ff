package org.vrrpagent.agent.cli;

import picocli.CommandLine.Parameters;

/** A client command about one instance ({@code demote}, {@code promote}, {@code rotate}). */
abstract class InstanceCommand extends AgentCommand {
  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "The instance, as named in the configuration.")
  String instance;

  /**
   * The control API's path of the instance's {@code action}, e.g. {@code /instances/dns0/demote}.
   */
  String actionPath(String action) {
    return "/instances/" + path(instance) + "/" + action;
  }
}
