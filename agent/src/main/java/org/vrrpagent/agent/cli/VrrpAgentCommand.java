package org.vrrpagent.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: it only routes to subcommands and prints usage. */
@Command(
    name = "vrrp-agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Keeps a service address on the healthiest host: VRRP (RFC 5798/9568, RFC 3768), health checks, notifications.",
    subcommands = {RunCommand.class, ValidateCommand.class, StatusCommand.class, ChecksCommand.class,
        DemoteCommand.class, PromoteCommand.class, ReloadCommand.class, CleanupCommand.class, ImportKeepalivedCommand.class,
        DemoCommand.class, VersionCommand.class,
        CommandLine.HelpCommand.class})
public final class VrrpAgentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static CommandLine commandLine() {
    return new CommandLine(new VrrpAgentCommand());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
