package org.vrrpagent.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vrrpagent.base.DurationText;
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
  @Option(
      names = "--json",
      description = "Print the control API's JSON as it is (for scripts and jq).")
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
    print(status, out, ZoneId.systemDefault());
  }

  /**
   * The status for people. Times are shown in {@code zone} with their age relative to when the
   * agent took the snapshot ({@code takenAt}), so the output does not depend on this host's clock.
   */
  static void print(JsonNode status, PrintWriter out, ZoneId zone) {
    Instant takenAt = instant(status.get("takenAt"));
    out.println("node " + text(status.get("node")));
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("INSTANCE", "STATE", "PRIORITY", "MASTER", "SINCE", "ADDRESSES"));
    List<String> notes = new ArrayList<>();
    for (JsonNode i : status.path("instances")) {
      String name = text(i.get("name"));
      String state = text(i.get("state"));
      int base = i.path("basePriority").asInt();
      int effective = i.path("effectivePriority").asInt();
      String priority =
          effective == base ? Integer.toString(effective) : effective + " (base " + base + ")";
      if (i.path("protocol").asString("vrrp").equals("carp")) {
        // CARP advertises a skew, not a priority (docs/carp.md, "Priority and skew").
        priority += " carp advskew " + i.path("advskew").asInt();
        if (i.path("demote").asInt(0) > 0) {
          priority += " demote " + i.path("demote").asInt();
        }
      }
      boolean conflict = !i.path("conflicts").isEmpty();
      rows.add(
          List.of(
              name,
              conflict ? state + " (conflict)" : state,
              priority,
              text(i.get("masterAddress")),
              when(instant(i.get("since")), takenAt, zone),
              addresses(i)));
      List<String> why = new ArrayList<>();
      String clamp = null;
      for (JsonNode r : i.path("priorityReasons")) {
        String source = r.path("source").asString();
        int delta = r.path("delta").asInt();
        if (why.isEmpty()) {
          // The base: "configured 200"; a longer reason gets its value in parentheses, so that
          // "priority-order file: rank 2 of 3 (200)" does not read as "3 200".
          why.add(source.contains(" ") ? source + " (" + delta + ")" : source + " " + delta);
        } else if (source.startsWith("clamped ")) {
          clamp = clampText(source);
        } else {
          why.add(
              source.matches(".*: ([+-]\\d+|fault)( \\(.*\\))?$")
                  ? source
                  : source + ": " + signed(delta));
        }
      }
      if (why.size() > 1 || clamp != null) {
        notes.add(
            name
                + ": priority "
                + effective
                + " = "
                + String.join(", ", why)
                + (clamp == null ? "" : "; " + clamp));
      }
      if (i.hasNonNull("demotion")) {
        // "demoted to backup by the operator" or "demoted by 50 by the operator", as the daemon
        // says it
        notes.add(
            name
                + ": "
                + i.get("demotion").asString()
                + "; 'vrrp-agent promote "
                + name
                + "' ends it");
      }
      if (i.hasNonNull("faultReason")) {
        notes.add(name + ": FAULT: " + i.get("faultReason").asString());
      }
      for (JsonNode c : i.path("conflicts")) {
        if ("duplicate_address".equals(c.path("reason").asString(""))) {
          notes.add(
              name
                  + ": "
                  + text(c.get("differs")).toUpperCase(java.util.Locale.ROOT)
                  + ": answered for by "
                  + text(c.get("peer"))
                  + " since "
                  + when(instant(c.get("since")), takenAt, zone)
                  + " ("
                  + c.path("adverts").asLong()
                  + " ARP frame(s)); another host has it configured, or is a second master");
          continue;
        }
        notes.add(
            name
                + ": CONFLICT with "
                + text(c.get("peer"))
                + " since "
                + when(instant(c.get("since")), takenAt, zone)
                + ": "
                + text(c.get("differs"))
                + " differs ("
                + text(c.get("detail"))
                + "), "
                + c.path("adverts").asLong()
                + " advert(s) dropped; both may hold "
                + "the addresses");
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
        rows.add(
            List.of(
                text(c.get("name")),
                c.path("up").asBoolean() ? "up" : "down",
                latency < 0 ? "-" : DurationText.measuredMillis(latency),
                c.hasNonNull("lastResult")
                    ? c.get("lastResult").asString() + ": " + text(c.get("reason"))
                    : "-"));
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
        rows.add(
            List.of(
                text(f.get("path")),
                switch (f.path("status").asString("")) {
                  case "OK" -> "ok";
                  case "MISSING" ->
                      "missing: every host is unlisted"
                          + (f.hasNonNull("error") ? " (" + text(f.get("error")) + ")" : "");
                  default ->
                      "invalid: " + text(f.get("error")) + " (the last good order stays in force)";
                },
                String.join(", ", hosts)));
      }
      out.println();
      table(rows, out);
    }
  }

  /**
   * {@code 198.18.0.100/24 (held)}, {@code … (not held)} from the address table; plain when it is
   * unknown.
   */
  private static String addresses(JsonNode instance) {
    JsonNode held = instance.get("heldAddresses");
    List<String> out = new ArrayList<>();
    for (JsonNode v : instance.path("virtualAddresses")) {
      String a = v.asString();
      if (held == null || held.isNull()) {
        out.add(a);
      } else {
        boolean on = false;
        for (JsonNode h : held) {
          on |= h.asString().equals(a);
        }
        out.add(a + (on ? " (held)" : " (not held)"));
      }
    }
    return String.join(", ", out);
  }

  /** "clamped -3 to 1" in words. */
  static String clampText(String source) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^clamped (-?\\d+) to (\\d+)$").matcher(source);
    if (!m.matches()) {
      return source;
    }
    int sum = Integer.parseInt(m.group(1));
    int to = Integer.parseInt(m.group(2));
    return sum < to
        ? "the sum " + sum + " is below 1, the lowest priority, so " + to
        : "the sum "
            + sum
            + " is above 254, the highest priority but the address owner's, so "
            + to;
  }

  private static String signed(int delta) {
    return delta > 0 ? "+" + delta : Integer.toString(delta);
  }

  /**
   * {@code 15:31:10, 2 min ago}; the date too when it is not the snapshot's day; {@code -} when
   * unknown.
   */
  static String when(Instant time, Instant now, ZoneId zone) {
    if (time == null) {
      return "-";
    }
    ZonedDateTime t = time.atZone(zone);
    String clock = t.format(DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT));
    if (now == null) {
      return t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT));
    }
    if (!t.toLocalDate().equals(now.atZone(zone).toLocalDate())) {
      clock = t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT));
    }
    return clock + ", " + age(Duration.between(time, now));
  }

  static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s ago";
    }
    if (s < 3600) {
      return s / 60 + " min ago";
    }
    if (s < 48 * 3600) {
      return s / 3600 + " h " + (s % 3600) / 60 + " min ago";
    }
    return s / 86400 + " days ago";
  }

  private static Instant instant(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return Instant.parse(node.asString());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
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
        line.append(
            c == columns - 1 ? row.get(c) : String.format("%-" + width[c] + "s  ", row.get(c)));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
