package org.vrrpagent.agent.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.cli.VrrpAgentCommand;
import picocli.CommandLine;

/**
 * The demo's fallback where the real lab cannot run: the same six steps with the same verdicts, on
 * the simulated LAN (the production engine and priority tracking, virtual time), forced here with
 * {@code --simulate}.
 */
class DemoSimulationTest {
  record Run(int exit, String out) {}

  static Run demo(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = VrrpAgentCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    String[] argv = new String[args.length + 1];
    argv[0] = "demo";
    System.arraycopy(args, 0, argv, 1, args.length);
    int exit = cli.execute(argv);
    return new Run(exit, out.toString());
  }

  @Test
  void theSimulationPlaysTheSameStepsWithTheSameVerdicts() {
    Run r = demo("--simulate");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("--simulate given. Playing the same scenario as a SIMULATION instead")
        .contains("a SIMULATION on the simulated LAN");
    assertThat(r.out()).contains(DemoSteps.EVERY_STEP_OK);
    assertThat(r.out()).contains("(simulated time)");
    // The table's reason comes from the agent's own priority tracking.
    assertThat(r.out())
        .containsPattern("h1 +BACKUP +190 +- +priority-order file: rank 1 of 3, check web_ok");
  }

  @Test
  void theMoveTakesWhatTheProtocolPromises() {
    Run r = demo("--simulate");
    // Master_Down_Interval of h2 (priority 200) at 1 s adverts: 3 s + 56/256 s ≈ 3.22 s, after the
    // check noticed (at most one 500 ms interval).
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("ok: the address moved to h2 after (\\d+\\.\\d) s")
            .matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isBetween(3.2, 3.9);
  }

  @Test
  void aFailedStepExitsOneAndNamesIt() {
    Run r = demo("--simulate", "--inject-fault", "SERVICE_STAYS_UP");
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "FAILED: Step 2/6: The master's service dies: not within 20 s: 198.18.0.100 on h1 (expected: h2 alone)")
        .doesNotContain("== Step 3/6");
  }
}
