package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A SIGHUP during start-up is remembered for later instead of ending the JVM. */
class EarlyHangupTest {
  @Test
  void aHangupBeforeTheDaemonRunsIsRememberedAndTheJvmLives() throws Exception {
    assertThat(Daemon.earlyHangupPending()).isFalse();
    Daemon.catchEarlyHangups();
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
            .inheritIO()
            .start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
    // Without the handler the JVM (this test's) would have ended here.
    Awaitility.await("the hangup is noted")
        .atMost(Duration.ofSeconds(10))
        .until(Daemon::earlyHangupPending);
  }
}
