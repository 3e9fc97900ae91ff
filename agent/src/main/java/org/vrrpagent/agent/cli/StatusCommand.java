package org.vrrpagent.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code vrrp-agent status [--json]}. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Shows the running agent: every instance (state, priority and why, master, addresses, since when),",
      "every check (up or down, last reason, latency) and the priority-order files."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "1:agent not reachable", "2:bad usage"})
public final class StatusCommand extends AgentCommand {
  @Option(names = "--json", description = "Print the control API's JSON as it is (for scripts and jq).")
  boolean json;

  @Override
  int call(ControlClient client) throws ControlClient.AgentError {
    ControlClient.Answer answer = client.get("/status");
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(answer.body().strip());
    } else {
      print(answer.json(), out);
    }
    out.flush();
    return 0;
  }

  static void print(JsonNode status, PrintWriter out) {
    out.println("node " + text(status.get("node")));
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("INSTANCE", "STATE", "PRIORITY", "MASTER", "SINCE", "ADDRESSES"));
    List<String> notes = new ArrayList<>();
    for (JsonNode i : status.path("instances")) {
      String name = text(i.get("name"));
      String state = text(i.get("state"));
      int base = i.path("basePriority").asInt();
      int effective = i.path("effectivePriority").asInt();
      String priority = effective == base ? Integer.toString(effective) : effective + " (base " + base + ")";
      List<String> vips = new ArrayList<>();
      i.path("virtualAddresses").forEach(v -> vips.add(v.asString()));
      rows.add(List.of(name, state, priority, text(i.get("masterAddress")), text(i.get("since")),
          String.join(" ", vips)));
      List<String> why = new ArrayList<>();
      for (JsonNode r : i.path("priorityReasons")) {
        int delta = r.path("delta").asInt();
        why.add(r.path("source").asString() + " " + (delta > 0 && !why.isEmpty() ? "+" : "") + delta);
      }
      if (!why.isEmpty()) {
        notes.add(name + ": priority " + String.join(", ", why));
      }
      if (i.hasNonNull("demotion")) {
        notes.add(name + ": demoted by the operator (" + i.get("demotion").asString() + "); 'vrrp-agent promote "
            + name + "' ends it");
      }
      if (i.hasNonNull("faultReason")) {
        notes.add(name + ": FAULT: " + i.get("faultReason").asString());
      }
    }
    out.println();
    table(rows, out);
    notes.forEach(n -> out.println("  " + n));

    if (!status.path("checks").isEmpty()) {
      rows = new ArrayList<>();
      rows.add(List.of("CHECK", "STATE", "LATENCY", "LAST RESULT"));
      for (JsonNode c : status.path("checks")) {
        double latency = c.path("latencyMillis").asDouble(-1);
        rows.add(List.of(text(c.get("name")), c.path("up").asBoolean() ? "up" : "down",
            latency < 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1fms", latency),
            c.hasNonNull("lastResult") ? c.get("lastResult").asString() + ": " + text(c.get("reason")) : "-"));
      }
      out.println();
      table(rows, out);
    }
    if (!status.path("priorityOrderFiles").isEmpty()) {
      rows = new ArrayList<>();
      rows.add(List.of("PRIORITY FILE", "STATE", "ORDER"));
      for (JsonNode f : status.path("priorityOrderFiles")) {
        List<String> hosts = new ArrayList<>();
        f.path("hosts").forEach(h -> hosts.add(h.asString()));
        rows.add(List.of(text(f.get("path")),
            switch (f.path("status").asString("")) {
              case "OK" -> "ok";
              case "MISSING" -> "missing: every host is unlisted" + (f.hasNonNull("error") ? " (" + text(f.get("error")) + ")" : "");
              default -> "invalid: " + text(f.get("error")) + " (the last good order stays in force)";
            },
            String.join(", ", hosts)));
      }
      out.println();
      table(rows, out);
    }
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? "-" : node.asString();
  }

  /** Left-aligned columns, two spaces apart; the last column is not padded. */
  static void table(List<List<String>> rows, PrintWriter out) {
    int columns = rows.getFirst().size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(c == columns - 1 ? row.get(c) : String.format("%-" + width[c] + "s  ", row.get(c)));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
