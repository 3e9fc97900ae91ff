package org.vrrpagent.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vrrp-agent version}: this program's version (the same as {@code --version}). */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Prints the version of vrrp-agent and of the Java runtime it runs on.")
public final class VersionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : new VersionProvider().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
