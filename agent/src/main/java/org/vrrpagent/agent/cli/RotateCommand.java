package org.vrrpagent.agent.cli;

import picocli.CommandLine.Command;

/** {@code vrrp-agent rotate NAME}. */
@Command(
    name = "rotate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "One planned rotation now: the MASTER advertises priority 1 so its peer takes over, for the"
          + " instance's rotation hold (10 minutes without rotation:), then takes back.",
      "Skipped, and said so, when this node is not MASTER or no peer takes over (docs/geo-failover.md)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:rotation started",
      "1:agent not reachable, or it refused (unknown instance, not MASTER, owner)",
      "2:bad usage"
    })
public final class RotateCommand extends InstanceCommand {

  @Override
  int call(ControlClient client) throws ControlClient.AgentError {
    return printMessage(client.post(actionPath("rotate")));
  }
}
