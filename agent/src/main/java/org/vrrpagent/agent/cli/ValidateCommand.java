package org.vrrpagent.agent.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.FileRules;
import org.vrrpagent.agent.config.ScriptSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vrrp-agent validate}: keepalived's {@code -t}. Exit 0 valid, 2 invalid. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check a configuration file without touching the network.",
      "Prints every problem as FILE:LINE:COL: what is wrong (expected: ...).",
      "Exit status: 0 valid, 2 invalid."
    })
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(
      names = "--syntax-only",
      description =
          "Do not look at the files the configuration names (scripts, hooks, password file), e.g. on a build machine.")
  boolean syntaxOnly;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    FileRules rules = syntaxOnly ? FileRules.NONE : ScriptSecurity.forCurrentProcess();
    try {
      Config c = config.load(rules);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          config.path()
              + ": valid ("
              + count(c.instances().size(), "instance")
              + ", "
              + count(c.checks().size(), "check")
              + ", node "
              + c.node()
              + ")");
      out.flush();
      return 0;
    } catch (ConfigException e) {
      ConfigOption.print(e, spec.commandLine().getErr());
      return ConfigOption.EXIT_INVALID_CONFIG;
    }
  }

  private static String count(int n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }
}
