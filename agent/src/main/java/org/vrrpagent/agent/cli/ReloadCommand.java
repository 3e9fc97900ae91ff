package org.vrrpagent.agent.cli;

import picocli.CommandLine.Command;

/** {@code vrrp-agent reload}. */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Makes the running agent re-read its configuration file (as SIGHUP and 'systemctl reload' do).",
      "Unchanged instances keep their state and addresses; an invalid file is refused and the running configuration kept."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:reloaded",
      "1:agent not reachable, or the new configuration was refused",
      "2:bad usage"
    })
public final class ReloadCommand extends AgentCommand {
  @Override
  int call(ControlClient client) throws ControlClient.AgentError {
    return printMessage(client.post("/reload"));
  }
}
