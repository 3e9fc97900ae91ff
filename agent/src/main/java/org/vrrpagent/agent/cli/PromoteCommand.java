package org.vrrpagent.agent.cli;

import picocli.CommandLine.Command;

/** {@code vrrp-agent promote NAME}. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Ends an operator demotion: the instance's priority is again its base plus tracking.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:promoted",
      "1:agent not reachable, or it refused (unknown instance)",
      "2:bad usage"
    })
public final class PromoteCommand extends InstanceCommand {

  @Override
  int call(ControlClient client) throws ControlClient.AgentError {
    return printMessage(client.post(actionPath("promote")));
  }
}
