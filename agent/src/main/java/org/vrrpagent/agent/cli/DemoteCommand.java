package org.vrrpagent.agent.cli;

import org.vrrpagent.agent.control.Demotion;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vrrp-agent demote NAME [--by N | --to-backup]}. */
@Command(
    name = "demote",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Lowers an instance's priority for maintenance, at runtime only (a restart or 'promote' ends it).",
      "Without an option the instance goes to BACKUP and stays there (priority 1), so a healthy peer takes over.",
      "'vrrp-agent status' shows the demotion."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:demoted",
      "1:agent not reachable, or it refused (unknown instance)",
      "2:bad usage"
    })
public final class DemoteCommand extends InstanceCommand {

  static final class How {
    @Option(names = "--by", paramLabel = "N", description = "Lower the priority by N (1..254).")
    Integer by;

    @Option(
        names = "--to-backup",
        description =
            "Advertise priority 1, whatever checks and ranks add, so a peer takes over and this host stays BACKUP (the default).")
    boolean toBackup;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  How how;

  @Override
  int call(ControlClient client) throws ControlClient.AgentError {
    String query = "";
    if (how != null && how.by != null) {
      if (how.by < 1 || how.by > Demotion.MAX_BY) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--by " + how.by + " (expected: 1.." + Demotion.MAX_BY + ")");
      }
      query = "?by=" + how.by;
    } else {
      query = "?to-backup";
    }
    return printMessage(client.post(actionPath("demote") + query));
  }
}
