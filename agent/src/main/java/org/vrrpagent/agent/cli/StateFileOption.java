package org.vrrpagent.agent.cli;

import java.nio.file.Path;
import org.vrrpagent.agent.addresses.StateFile;
import picocli.CommandLine.Option;

/** The shared {@code --state-file FILE} option of {@code run} and {@code cleanup}. */
public final class StateFileOption {
  @Option(
      names = "--state-file",
      paramLabel = "FILE",
      defaultValue = "/run/vrrp-agent/state.json",
      description =
          "Where the agent records the addresses and virtual-MAC interfaces it added, "
              + "so a crash leaves nothing unknown behind (default: ${DEFAULT-VALUE}). "
              + "Each agent on a host (or lab namespace) needs its own.")
  Path path = StateFile.DEFAULT_PATH;

  public StateFile file() {
    return new StateFile(path);
  }
}
