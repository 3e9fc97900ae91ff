package org.vrrpagent.agent.cli;

import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root command: it only routes to subcommands and prints usage. */
@Command(
    name = "vrrp-agent",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Keeps a service address on the healthiest host: VRRP (RFC 5798/9568, RFC 3768), health checks, notifications.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      StatusCommand.class,
      ChecksCommand.class,
      DemoteCommand.class,
      PromoteCommand.class,
      RotateCommand.class,
      ReloadCommand.class,
      CleanupCommand.class,
      ImportKeepalivedCommand.class,
      DemoCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class VrrpAgentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The command line, with one rule for what nobody expected: a bug is one line for the operator
   * and one log entry with the stack trace, never a trace on the terminal. (Bad input never gets
   * here: every command turns it into {@code FILE:LINE:COL: …} lines and exit 2.)
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new VrrpAgentCommand());
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          command
              .getErr()
              .println(
                  "vrrp-agent "
                      + command.getCommandName()
                      + ": internal error: "
                      + e
                      + " (a bug; the log has the details)");
          command.getErr().flush();
          LoggerFactory.getLogger(VrrpAgentCommand.class)
              .error("internal error in '{}'", command.getCommandName(), e);
          return EXIT_BUG;
        });
    return cli;
  }

  /** Exit code of a command that failed through a bug (sysexits' EX_SOFTWARE). */
  public static final int EXIT_BUG = 70;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
