package org.vrrpagent.agent.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.vrrpagent.agent.demo.DemoNetwork;
import org.vrrpagent.agent.demo.DemoScenario;
import org.vrrpagent.agent.demo.NetnsDemoNetwork;
import org.vrrpagent.agent.demo.SimulatedDemoNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vrrp-agent demo}: a real failover in a lab it builds and removes (see docs/demo.md). */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Shows vrrp-agent working, with no configuration: as root on Linux it builds a small lab of network",
      "namespaces (198.18.0.0/24 only), starts three real agents that each check a web server on their host,",
      "and plays a failover story: election, the master's service dies, the address moves (timed), the service",
      "returns, preemption, the priority-order file is reordered, maintenance demote and promote.",
      "Everything it made is removed at the end, after a failed step, on Ctrl-C and on SIGTERM.",
      "Not root, or not Linux: the same story on the simulated LAN, labelled as a simulation.",
      "On a terminal it pauses between steps; otherwise (CI, scripts) it runs straight through."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every step happened as expected",
      "1:a step did not (it is named), or the lab could not be built",
      "2:bad usage"
    })
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--keep",
      description = "Leave the lab up at the end and print how to look around and remove it.")
  boolean keep;

  @Option(
      names = "--clean",
      description =
          "Remove what earlier demos left behind (run with --keep, or killed), then exit.")
  boolean clean;

  @Option(
      names = "--simulate",
      description = "Play the story on the simulated LAN even where the real lab could run.")
  boolean simulate;

  @Option(
      names = "--inject-fault",
      hidden = true,
      description = "For tests: make a step fail (SERVICE_STAYS_UP).")
  DemoScenario.Fault fault;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (clean) {
      String why = NetnsDemoNetwork.unavailableReason();
      if (why != null) {
        err.println("vrrp-agent demo --clean: " + why);
        err.flush();
        return 1;
      }
      List<String> done = NetnsDemoNetwork.clean();
      out.println(
          done.isEmpty()
              ? "Nothing to remove: no " + NetnsDemoNetwork.STEM + "… namespaces."
              : String.join("\n", done));
      out.flush();
      return 0;
    }
    boolean interactive = System.console() != null && System.console().isTerminal();
    DemoNetwork network;
    String why = NetnsDemoNetwork.unavailableReason();
    if (simulate || why != null) {
      out.println(
          "vrrp-agent demo: "
              + (simulate ? "--simulate given" : why)
              + ". Playing the same scenario as a SIMULATION"
              + " instead: the real engine and priority tracking on a simulated LAN, in virtual time.");
      network = new SimulatedDemoNetwork(interactive);
    } else {
      network = new NetnsDemoNetwork();
    }
    AtomicBoolean finished = new AtomicBoolean();
    // Ctrl-C, SIGTERM: the lab's own hook removes namespaces and processes; this one says so.
    Thread hook =
        new Thread(
            () -> {
              if (!finished.get()) {
                network.close();
                err.println("\nvrrp-agent demo: interrupted; everything it made is removed.");
                err.flush();
              }
            },
            "demo-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    int status;
    boolean kept = false;
    try {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      status = new DemoScenario(network, out, interactive, in, fault).run();
      String end = network.finish(keep).stripTrailing();
      if (!end.isEmpty()) {
        out.println();
        out.println(end);
      }
      kept = keep;
    } catch (RuntimeException e) {
      out.flush();
      err.println("vrrp-agent demo: " + e.getMessage());
      status = 1;
    } finally {
      finished.set(true);
      if (!kept) {
        network.close();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down
      }
    }
    out.flush();
    err.flush();
    return status;
  }
}
