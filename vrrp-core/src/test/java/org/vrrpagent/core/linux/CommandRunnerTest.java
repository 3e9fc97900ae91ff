package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs real (harmless) commands: sh, true, printf. */
class CommandRunnerTest {
  private final CommandRunner runner = new CommandRunner(Duration.ofSeconds(5), 64);

  @Test
  void reportsExitStatusStdoutAndStderr() {
    CommandRunner.Result r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
    assertThat(r.exitStatus()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.succeeded()).isFalse();
    assertThat(r.describeFailure())
        .isEqualTo("`sh -c echo out; echo err >&2; exit 3` exited 3: err");
  }

  @Test
  void keepsOnlyTheOutputLimitAndSaysSo() {
    CommandRunner.Result r =
        runner.run(List.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x"));
    assertThat(r.succeeded()).isTrue();
    assertThat(r.stdout()).hasSize(64);
    assertThat(r.truncated()).isTrue();
  }

  @Test
  void killsACommandThatRunsOverTheTimeLimit() {
    CommandRunner quick = new CommandRunner(Duration.ofMillis(300), 1024);
    assertThatThrownBy(() -> quick.run(List.of("sleep", "30")))
        .isInstanceOf(CommandRunner.CommandException.class)
        .hasMessageContaining("`sleep 30` did not finish within 300ms; process group terminated");
  }

  @Test
  void aMissingProgramIsAClearError() {
    assertThatThrownBy(() -> runner.run(List.of("no-such-program-vrrp")))
        .isInstanceOf(CommandRunner.CommandException.class)
        .hasMessageStartingWith("cannot run `no-such-program-vrrp`");
  }

  @Test
  void runsInTheCLocaleWithNoInput() {
    CommandRunner.Result r = runner.run(List.of("sh", "-c", "echo $LC_ALL; cat"));
    assertThat(r.stdout()).isEqualTo("C\n");
  }
}
