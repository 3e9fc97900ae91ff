package org.vrrpagent.agent.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The demo's story, played on a {@link DemoNetwork}: election, the master's service dies, the
 * address moves, the service returns, preemption, the priority-order file is reordered, a
 * maintenance demotion and the promotion after it. Every step states what must happen (who holds
 * the address, every host's state and effective priority) and has a time bound; the first step that
 * does not happen in its bound ends the demo with a failure.
 *
 * <p>Interactive (a terminal): the table is redrawn in place while a step runs, and the demo waits
 * for Enter between steps. Otherwise it prints the table once per step and never waits.
 */
public final class DemoScenario {
  /** How often the hosts are looked at while a step runs. */
  static final Duration POLL = Duration.ofMillis(100);

  /**
   * Bound for the first election: three JVMs start on a possibly busy machine, then one
   * Master_Down_Interval.
   */
  static final Duration ELECTION_BOUND = Duration.ofSeconds(60);

  /**
   * Bound for every later step: a check interval, a Master_Down_Interval (about 3.2 s) and a wide
   * margin.
   */
  static final Duration STEP_BOUND = Duration.ofSeconds(20);

  /** A fault the tests inject to see a failed step end the demo cleanly (hidden option). */
  public enum Fault {
    /** Step 2 pretends to stop h1's web server but leaves it running: the address never moves. */
    SERVICE_STAYS_UP
  }

  /** What must be true at the end of a step. */
  record Expectation(String holder, Map<String, Integer> priorities) {
    /** Why {@code view} does not meet this expectation, or null when it does. */
    String unmetBy(List<HostView> view) {
      List<String> problems = new ArrayList<>();
      List<String> holders =
          view.stream().filter(HostView::holdsAddress).map(HostView::host).toList();
      if (!holders.equals(List.of(holder))) {
        problems.add(
            DemoNetwork.ADDRESS
                + " on "
                + (holders.isEmpty() ? "no host" : String.join(" and ", holders))
                + " (expected: "
                + holder
                + " alone)");
      }
      for (HostView h : view) {
        String state = h.host().equals(holder) ? "MASTER" : "BACKUP";
        if (!h.state().equals(state)) {
          problems.add(h.host() + " " + h.state() + " (expected: " + state + ")");
        }
        Integer p = priorities.get(h.host());
        if (p != null && p != h.priority()) {
          problems.add(h.host() + " priority " + h.priority() + " (expected: " + p + ")");
        }
      }
      return problems.isEmpty() ? null : String.join("; ", problems);
    }

    boolean prioritiesMet(List<HostView> view) {
      return view.stream()
          .allMatch(
              h -> !priorities.containsKey(h.host()) || priorities.get(h.host()) == h.priority());
    }
  }

  /** One step: what the operator (or fate) does, what should follow, and how long it may take. */
  record Step(
      String title,
      String narration,
      Consumer<DemoNetwork> action,
      Expectation expect,
      Duration bound,
      String measured) {}

  private final DemoNetwork network;
  private final PrintWriter out;
  private final boolean interactive;
  private final BufferedReader input;
  private final Fault fault;
  private List<String> drawn = List.of();

  public DemoScenario(
      DemoNetwork network,
      PrintWriter out,
      boolean interactive,
      BufferedReader input,
      Fault fault) {
    this.network = network;
    this.out = out;
    this.interactive = interactive;
    this.input = input;
    this.fault = fault;
  }

  static Map<String, Integer> priorities(int h1, int h2, int h3) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("h1", h1);
    m.put("h2", h2);
    m.put("h3", h3);
    return m;
  }

  List<Step> steps() {
    int r1 = DemoNetwork.RANKS.get(0);
    int r2 = DemoNetwork.RANKS.get(1);
    int r3 = DemoNetwork.RANKS.get(2);
    int w = DemoNetwork.CHECK_WEIGHT;
    String vip = DemoNetwork.ADDRESS;
    return List.of(
        new Step(
            "Election",
            "Three agents start. The priority-order file lists h1, h2, h3, so their priorities are "
                + r1
                + ", "
                + r2
                + " and "
                + r3
                + ". The highest wins the election and adds "
                + vip
                + ".",
            DemoNetwork::startAgents,
            new Expectation("h1", priorities(r1, r2, r3)),
            ELECTION_BOUND,
            "h1 holds " + vip + " (counting from the agents' start)"),
        new Step(
            "The master's service dies",
            "h1's web server stops. Its check "
                + DemoNetwork.CHECK
                + " fails: "
                + w
                + " makes h1's priority "
                + (r1 + w)
                + ", below h2's "
                + r2
                + ". h2 ignores adverts below its own priority, so its"
                + " Master_Down_Interval (3 adverts + skew) runs out and it takes over; h1 hears a better master and"
                + " steps back.",
            n -> {
              if (fault != Fault.SERVICE_STAYS_UP) {
                n.stopService("h1");
              }
            },
            new Expectation("h2", priorities(r1 + w, r2, r3)),
            STEP_BOUND,
            "the address moved to h2"),
        new Step(
            "The service returns",
            "h1's web server starts again. Its check passes, its priority is "
                + r1
                + " again, and it preempts h2.",
            n -> n.startService("h1"),
            new Expectation("h1", priorities(r1, r2, r3)),
            STEP_BOUND,
            "h1 preempted h2"),
        new Step(
            "The priority-order file is reordered",
            "The operator edits the priority-order file to h2, h1, h3 (no restart, no reload): h2 now ranks first ("
                + r1
                + "), h1 second ("
                + r2
                + ").",
            n -> n.writeOrder(List.of("h2", "h1", "h3")),
            new Expectation("h2", priorities(r2, r1, r3)),
            STEP_BOUND,
            "the address followed the file to h2"),
        new Step(
            "Maintenance: demote",
            "On h2: vrrp-agent demote "
                + DemoNetwork.INSTANCE
                + " (goes to BACKUP and stays, priority 1)."
                + " h1 is next in line.",
            n -> n.demote("h2"),
            new Expectation("h1", priorities(r2, 1, r3)),
            STEP_BOUND,
            "h2 handed the address to h1"),
        new Step(
            "Maintenance over: promote",
            "On h2: vrrp-agent promote "
                + DemoNetwork.INSTANCE
                + ". h2 is back at "
                + r1
                + " and takes the address"
                + " back.",
            n -> n.promote("h2"),
            new Expectation("h2", priorities(r2, r1, r3)),
            STEP_BOUND,
            "h2 holds the address again"));
  }

  /**
   * Plays every step and returns the exit code: 0 when every step happened as expected, 1 at the
   * first step that did not (the network is left to the caller to close).
   */
  public int run() {
    long start = network.nanoTime();
    List<Step> steps = steps();
    String clock = network.simulated() ? " (simulated time)" : "";
    out.println("vrrp-agent demo: " + network.describe());
    out.println();
    out.println(
        "Setting up: "
            + String.join(", ", DemoNetwork.HOSTS)
            + ", each with a web server on 127.0.0.1:8080"
            + " that its agent checks (http, every 500 ms).");
    out.flush();
    network.build();
    if (!network.built().isEmpty()) {
      out.println(wrap(network.built(), 92, ""));
    }
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String label = "Step " + (i + 1) + "/" + steps.size() + ": " + step.title();
      out.println();
      out.println("== " + label + " ==");
      out.println(wrap(step.narration(), 92, "   "));
      out.flush();
      long t0 = network.nanoTime();
      step.action().accept(network);
      String failure = await(step, t0);
      if (failure != null) {
        out.println();
        out.println("FAILED: " + label + ": " + failure);
        String diagnostics = network.diagnostics();
        if (!diagnostics.isBlank()) {
          out.println(diagnostics.stripTrailing());
        }
        out.flush();
        return 1;
      }
      if (interactive && i < steps.size() - 1) {
        pressEnter();
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "demo: all %d steps happened as expected, in %.1f s%s.%n",
        steps.size(),
        seconds(network.nanoTime() - start),
        clock);
    out.flush();
    return 0;
  }

  /**
   * Waits for the step's expectation; prints the table and the measured times; returns why it
   * failed, or null.
   */
  private String await(Step step, long t0) {
    long deadline = t0 + step.bound().toNanos();
    long prioritiesAt = -1;
    List<HostView> view = network.view();
    drawn = List.of();
    while (true) {
      long now = network.nanoTime();
      if (prioritiesAt < 0 && step.expect().prioritiesMet(view)) {
        prioritiesAt = now;
      }
      String unmet = step.expect().unmetBy(view);
      if (unmet == null) {
        draw(view);
        String clock = network.simulated() ? " (simulated time)" : "";
        out.printf(
            Locale.ROOT, "   ok: %s after %.1f s%s", step.measured(), seconds(now - t0), clock);
        if (prioritiesAt > t0 + POLL.toNanos() && prioritiesAt < now - POLL.toNanos()) {
          out.printf(
              Locale.ROOT, " (priorities as expected after %.1f s)", seconds(prioritiesAt - t0));
        }
        out.println();
        out.flush();
        return null;
      }
      if (now - deadline >= 0) {
        draw(view);
        return "not within " + step.bound().toSeconds() + " s: " + unmet;
      }
      if (interactive) {
        draw(view);
      }
      network.pause(POLL);
      view = network.view();
    }
  }

  private void pressEnter() {
    out.print("   (press Enter for the next step, Ctrl-C to stop and clean up) ");
    out.flush();
    try {
      input.readLine();
    } catch (IOException e) {
      // stdin closed: go on
    }
  }

  /** Prints the table; when interactive, over the one drawn before in this step. */
  private void draw(List<HostView> view) {
    List<String> lines = table(view);
    if (lines.equals(drawn)) {
      return;
    }
    if (interactive && !drawn.isEmpty()) {
      out.print("\033[" + drawn.size() + "F\033[J");
    }
    lines.forEach(out::println);
    out.flush();
    drawn = lines;
  }

  /** The live table: host, state, priority, whether it holds the address, and why that priority. */
  static List<String> table(List<HostView> view) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("HOST", "STATE", "PRIORITY", DemoNetwork.ADDRESS, "WHY"));
    for (HostView h : view) {
      rows.add(
          List.of(
              h.host(),
              h.state(),
              h.priority() < 0 ? "-" : Integer.toString(h.priority()),
              h.holdsAddress() ? "held" : "-",
              h.why()));
    }
    int[] width = new int[5];
    for (List<String> r : rows) {
      for (int c = 0; c < 5; c++) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> r : rows) {
      StringBuilder b = new StringBuilder("   ");
      for (int c = 0; c < 5; c++) {
        b.append(c == 4 ? r.get(c) : String.format("%-" + width[c] + "s  ", r.get(c)));
      }
      lines.add(b.toString().stripTrailing());
    }
    return lines;
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static String wrap(String text, int width, String indent) {
    StringBuilder b = new StringBuilder();
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split(" ")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
        b.append(line).append('\n');
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    return b.append(line).toString();
  }
}
