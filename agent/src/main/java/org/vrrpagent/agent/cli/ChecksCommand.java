package org.vrrpagent.agent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ScriptSecurity;
import org.vrrpagent.base.DurationText;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.probe.CheckSweep;
import org.vrrpagent.checks.probe.ProbeFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vrrp-agent checks}: run every check once, now, and print what each saw. */
@Command(
    name = "checks",
    mixinStandardHelpOptions = true,
    description = {
      "Runs every check of the configuration once, now (all at the same time, each bounded by its timeout),",
      "and prints a table: check, result, latency, reason. No rise/fall: one run, one verdict."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every check is up",
      "1:at least one check is down",
      "2:invalid configuration"
    })
public final class ChecksCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin ConfigOption config;

  @Override
  public Integer call() {
    Config loaded;
    try {
      // The probes' files and programs are looked at as run does; hooks, mail and priority files
      // are not used here.
      loaded = config.load(ScriptSecurity.forCurrentProcess().checksOnly());
    } catch (ConfigException e) {
      ConfigOption.print(e, spec.commandLine().getErr());
      return ConfigOption.EXIT_INVALID_CONFIG;
    }
    List<CheckSpec> checks = List.copyOf(loaded.checks().values());
    PrintWriter out = spec.commandLine().getOut();
    if (checks.isEmpty()) {
      out.println("no checks configured");
      return 0;
    }
    Map<String, ProbeResult> results;
    try (ProbeFactory probes = new ProbeFactory()) {
      results = CheckSweep.runOnce(checks, probes);
    }
    int width = Math.max(5, results.keySet().stream().mapToInt(String::length).max().orElse(5));
    String row = "%-" + width + "s  %-6s  %9s  %s%n";
    out.printf(row, "CHECK", "RESULT", "LATENCY", "REASON");
    boolean allUp = true;
    for (Map.Entry<String, ProbeResult> e : results.entrySet()) {
      ProbeResult r = e.getValue();
      allUp &= r.isUp();
      String reason = r.reason() + (r.warning().isEmpty() ? "" : " [warning: " + r.warning() + "]");
      out.printf(
          row,
          e.getKey(),
          r.isUp() ? "up" : "DOWN",
          DurationText.measuredMillis(r.latencyNanos() / 1e6),
          reason);
      if (!r.output().isEmpty()) {
        r.output().lines().limit(20).forEach(line -> out.println("    | " + line));
      }
    }
    out.flush();
    return allUp ? 0 : 1;
  }
}
