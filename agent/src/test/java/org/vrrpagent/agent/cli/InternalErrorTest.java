package org.vrrpagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A bug in a command is one line for the operator (what was thrown, that it is a bug) and exit 70;
 * the stack trace goes to the log, never to the command's error output.
 */
class InternalErrorTest {
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("impossible state");
    }
  }

  @Test
  void aBugIsOneLineAndExit70() {
    CommandLine cli = VrrpAgentCommand.commandLine();
    cli.addSubcommand("boom", new Boom());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("boom")).isEqualTo(VrrpAgentCommand.EXIT_BUG).isEqualTo(70);
    assertThat(err.toString().lines())
        .containsExactly(
            "vrrp-agent boom: internal error: java.lang.IllegalStateException: impossible state"
                + " (a bug; the log has the details)");
    assertThat(out.toString()).isEmpty();
  }
}
