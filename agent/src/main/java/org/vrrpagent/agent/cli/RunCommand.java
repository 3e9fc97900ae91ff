package org.vrrpagent.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigError;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.daemon.Daemon;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
      "2:invalid configuration"
    })
public final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "The YAML configuration file.")
  Path config;

  @Override
  public Integer call() {
    Config loaded;
    try {
      loaded = ConfigLoader.load(config);
    } catch (ConfigException e) {
      for (ConfigError error : e.errors()) {
        spec.commandLine().getErr().println(error);
      }
      return 2;
    }
    return new Daemon(loaded).run(spec.commandLine().getErr());
  }
}
