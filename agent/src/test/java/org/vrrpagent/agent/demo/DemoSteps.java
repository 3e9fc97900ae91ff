package org.vrrpagent.agent.demo;

/** What a whole demo prints when every step happens as expected: in the lab or simulated alike. */
final class DemoSteps {
  private DemoSteps() {}

  /** Each step's heading and verdict, in order, and the closing line. */
  static final String[] EVERY_STEP_OK = {
    "== Step 1/6: Election ==",
    "ok: h1 holds 198.18.0.100 (counting from the agents' start) after",
    "== Step 2/6: The master's service dies ==",
    "ok: the address moved to h2 after",
    "== Step 3/6: The service returns ==",
    "ok: h1 preempted h2 after",
    "== Step 4/6: The priority-order file is reordered ==",
    "ok: the address followed the file to h2 after",
    "== Step 5/6: Maintenance: demote ==",
    "ok: h2 handed the address to h1 after",
    "== Step 6/6: Maintenance over: promote ==",
    "ok: h2 holds the address again after",
    "demo: all 6 steps happened as expected"
  };
}
