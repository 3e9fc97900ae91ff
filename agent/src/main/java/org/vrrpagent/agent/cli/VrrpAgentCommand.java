package org.vrrpagent.agent.cli;

import java.util.Map;
import java.util.function.Supplier;
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
    return withBugHandler(new CommandLine(new VrrpAgentCommand()));
  }

  /**
   * The client commands, which only talk to a running agent's control API: {@code vrrp-agent NAME}
   * runs them through a root that knows only that one subcommand, so neither picocli's model of the
   * other commands nor their classes (the daemon's configuration, engine, demo) are built or
   * loaded; usage, errors and exit codes are the same. About three times less model-building work
   * on every call (docs/benchmarks.md, "Start-up").
   */
  static final Map<String, Supplier<Object>> CLIENT_COMMANDS =
      Map.of(
          "status", StatusCommand::new,
          "demote", DemoteCommand::new,
          "promote", PromoteCommand::new,
          "rotate", RotateCommand::new,
          "reload", ReloadCommand::new);

  /** The command line for {@code args}: the light one for a client command, else the full one. */
  public static CommandLine commandLine(String... args) {
    Supplier<Object> client = args.length > 0 ? CLIENT_COMMANDS.get(args[0]) : null;
    if (client == null) {
      return commandLine();
    }
    CommandLine cli = new CommandLine(new ClientRoot());
    cli.addSubcommand(args[0], client.get());
    return withBugHandler(cli);
  }

  /** The root of {@link #commandLine(String...)} for a client command. */
  @Command(
      name = "vrrp-agent",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class)
  static final class ClientRoot implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  private static CommandLine withBugHandler(CommandLine cli) {
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
    System.exit(commandLine(args).execute(args));
  }
}
