package org.vrrpagent.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigError;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.config.FileRules;
import picocli.CommandLine.Option;

/** The shared {@code --config FILE} option ({@code @Mixin ConfigOption config;}). */
public final class ConfigOption {
  public static final String DEFAULT_PATH = "/etc/vrrp-agent/agent.yaml";

  /** Exit code of a command refused because its configuration is invalid. */
  public static final int EXIT_INVALID_CONFIG = 2;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      defaultValue = DEFAULT_PATH,
      description = "Configuration file (default: ${DEFAULT-VALUE}).")
  Path path;

  public Path path() {
    return path;
  }

  /** Loads the file with {@code rules}; on failure prints every problem to {@code err}. */
  public Config load(FileRules rules) throws ConfigException {
    return ConfigLoader.load(path, rules);
  }

  /** Prints each problem on its own line, then a count. */
  public static void print(ConfigException e, PrintWriter err) {
    for (ConfigError error : e.errors()) {
      err.println(error);
    }
    int n = e.errors().size();
    err.println(n + (n == 1 ? " problem" : " problems") + "; configuration refused");
    err.flush();
  }
}
