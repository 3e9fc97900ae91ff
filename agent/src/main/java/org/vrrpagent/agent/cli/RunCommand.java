package org.vrrpagent.agent.cli;

import java.util.concurrent.Callable;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ScriptSecurity;
import org.vrrpagent.agent.daemon.Daemon;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vrrp-agent run}: validate the configuration, then run the daemon until SIGTERM. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the agent in the foreground until SIGTERM or SIGINT.",
      "An invalid configuration is refused (exit 2) before anything touches the network."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by SIGTERM/SIGINT after releasing the virtual addresses",
      "1:could not start (a socket, an interface, permissions)",
      "2:invalid configuration",
      "3:stopped, but something was left undone (a log line names it) or the 8 s shutdown deadline passed"
    })
public final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ConfigOption config;

  @CommandLine.Mixin StateFileOption stateFile;

  @Override
  public Integer call() {
    Daemon.catchEarlyHangups();
    Config loaded;
    ScriptSecurity rules = ScriptSecurity.forCurrentProcess();
    try {
      // As root, refuse a configuration, script or hook that others could write.
      loaded = config.load(rules);
    } catch (ConfigException e) {
      ConfigOption.print(e, spec.commandLine().getErr());
      return ConfigOption.EXIT_INVALID_CONFIG;
    }
    Daemon daemon = new Daemon(loaded, config.path(), rules);
    daemon.stateFile(stateFile.path);
    return daemon.run(spec.commandLine().getErr());
  }
}
