package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = VrrpAgentCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void aValidFileExitsZero() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        "node: h1\ninstances:\n  dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24] }\n");
    assertThat(run("validate", "--config", file.toString())).isZero();
    assertThat(out.toString())
        .isEqualTo(file + ": valid (1 instance, 0 checks, node h1)" + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void anInvalidFileExitsTwoAndPrintsEveryProblemOnStderr() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        "instances:\n  dns0:\n    interface: eth0\n    vrid: 0\n    addresses: [198.18.0.100/24]\n    priority: 300\n");
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            file + ":4:11: VRID 0 out of range (expected: 1..255)",
            file + ":6:15: priority 300 out of range (expected: 1..255)",
            "2 problems; configuration refused");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMissingHookProgramIsAProblemUnlessSyntaxOnly() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Path hook = dir.resolve("no-such-hook");
    Files.writeString(
        file,
        """
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24] }
        notify:
          hooks:
            - exec: [%s]
        """
            .formatted(hook));
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains(file + ":5:14: program " + hook + " does not exist");
    assertThat(run("validate", "--syntax-only", "-c", file.toString())).isZero();
  }

  @Test
  void checksDoesNotRequireTheHooksTheMailPasswordOrThePriorityFile() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(
        file,
        """
        instances:
          dns0:
            interface: eth0
            vrid: 51
            addresses: [198.18.0.100/24]
            priority-order: { file: priority.dns, ranks: [250, 200] }
        notify:
          hooks:
            - exec: [./no-such-hook]
          email:
            smtp: { host: localhost, username: vrrp, password-file: smtp.pass }
            from: vrrp-agent@example.org
            to: [hostmaster@example.org]
        """);
    assertThat(run("validate", "-c", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(":6:29: priority-order file " + dir.resolve("priority.dns") + " does not exist")
        .contains(":9:14: program " + dir.resolve("no-such-hook") + " does not exist")
        .contains("file " + dir.resolve("smtp.pass") + " is missing or unreadable");
    // checks runs probes only (none here): what it never uses is not a reason to refuse.
    assertThat(run("checks", "-c", file.toString())).isZero();
    assertThat(out.toString()).contains("no checks configured");
  }

  @Test
  void theDefaultPathIsTheSystemOne() {
    assertThat(run("validate", "--help")).isZero();
    assertThat(out.toString()).contains("/etc/vrrp-agent/agent.yaml");
  }
}
