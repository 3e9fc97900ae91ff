package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The light command line of a client command ({@link VrrpAgentCommand#commandLine(String...)}) says
 * and does what the full one says: the same usage text, the same bad-usage message and exit code.
 */
class ClientCommandLineTest {
  @ParameterizedTest
  @ValueSource(strings = {"status", "demote", "promote", "rotate", "reload"})
  void theUsageIsTheFullCommandLines(String name) {
    CommandLine light = VrrpAgentCommand.commandLine(name);
    assertThat(light.getCommandSpec().userObject()).isInstanceOf(VrrpAgentCommand.ClientRoot.class);
    assertThat(light.getSubcommands().get(name).getUsageMessage())
        .isEqualTo(VrrpAgentCommand.commandLine().getSubcommands().get(name).getUsageMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "demote", "promote", "rotate", "reload"})
  void badUsageIsAnsweredAlike(String name) {
    String[] args = {name, "--no-such-option"};
    StringWriter lightErr = new StringWriter();
    CommandLine light = VrrpAgentCommand.commandLine(args);
    light.setErr(new PrintWriter(lightErr));
    StringWriter fullErr = new StringWriter();
    CommandLine full = VrrpAgentCommand.commandLine();
    full.setErr(new PrintWriter(fullErr));

    assertThat(light.execute(args)).isEqualTo(full.execute(args)).isEqualTo(2);
    assertThat(lightErr.toString())
        .isEqualTo(fullErr.toString())
        .contains("Usage: vrrp-agent " + name + " ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "validate", "help", "version", "--help"})
  void otherCommandsGetTheFullCommandLine(String name) {
    assertThat(VrrpAgentCommand.commandLine(name).getCommandSpec().userObject())
        .isInstanceOf(VrrpAgentCommand.class);
  }
}
