package org.vrrpagent.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.vrrpagent.agent.addresses.Leftovers;
import org.vrrpagent.agent.addresses.StateFile;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.linux.CommandRunner;
import org.vrrpagent.core.linux.NetlinkAddressTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vrrp-agent cleanup}: after a crash, removes the virtual addresses and virtual-MAC
 * interfaces the dead agent recorded in its state file, whatever configuration it ran.
 */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    description = {
      "Removes the virtual addresses and virtual-MAC interfaces a crashed agent left behind, as "
          + "recorded in its state file, and prints each one. The agent does the same at start; "
          + "use this when it will not be started again soon.",
      "Refuses while the agent that wrote the file still runs, and in another network namespace."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:nothing left behind (any leftovers removed, or listed with --dry-run)",
      "1:something could not be removed, or the file was refused (the reason is printed)"
    })
public final class CleanupCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin StateFileOption stateFile;

  @CommandLine.Option(
      names = "--dry-run",
      description = "Print what would be removed; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    StateFile file = stateFile.file();
    Leftovers.Report report;
    try (NetlinkAddressTable table = NetlinkAddressTable.open()) {
      report = new Leftovers(table, new CommandRunner(), List.of("ip")).clean(file, dryRun);
    } catch (IOException | TransportException e) {
      err.println("vrrp-agent cleanup: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (report.refused().isPresent()) {
      err.println("vrrp-agent cleanup: " + report.refused().get());
      err.flush();
      return 1;
    }
    report.lines().forEach(out::println);
    if (report.lines().isEmpty()) {
      out.println("nothing left behind (" + file.path() + ")");
    }
    if (!dryRun) {
      try {
        // What could not be removed stays recorded for the next attempt.
        file.write(StateFile.ours(report.failedAddresses(), report.failedLinks()));
      } catch (IOException e) {
        err.println("vrrp-agent cleanup: cannot update " + file.path() + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    out.flush();
    return report.clean() ? 0 : 1;
  }
}
