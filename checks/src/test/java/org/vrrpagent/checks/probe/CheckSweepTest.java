package org.vrrpagent.checks.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ScriptProbeSpec;

class CheckSweepTest {

  @Test
  void everyCheckRunsOnceInParallelWithinItsTimeout() throws Exception {
    try (ProbeFactory probes = new ProbeFactory();
        UnboundServer unbound = new UnboundServer()) {
      List<CheckSpec> checks =
          List.of(
              CheckSpec.of("named_ok", DnsProbeSpec.of(unbound.server(), "txt.test", "TXT")),
              CheckSpec.of("broken", ScriptProbeSpec.of("/bin/sh", "-c", "exit 3")),
              new CheckSpec(
                  "hangs",
                  ScriptProbeSpec.of("/bin/sleep", "30"),
                  Duration.ofSeconds(1),
                  Duration.ofMillis(300),
                  null,
                  null,
                  null),
              CheckSpec.of(
                  "as_ghost",
                  new ScriptProbeSpec(List.of("/bin/true"), "no-such-user-x", null, null)));
      long start = System.nanoTime();
      Map<String, ProbeResult> r = CheckSweep.runOnce(checks, probes);
      assertThat(r.keySet()).containsExactly("named_ok", "broken", "hangs", "as_ghost");
      assertThat(r.get("named_ok").reason())
          .isEqualTo("DNS " + unbound.server() + ": NOERROR, 1 TXT answer");
      assertThat(r.get("broken").reason()).isEqualTo("exit 3");
      assertThat(r.get("hangs").reason()).startsWith("timed out after 300ms");
      assertThat(r.get("as_ghost").reason())
          .isEqualTo(
              "cannot run: user \"no-such-user-x\" is not in /etc/passwd (expected: a user of this host)");
      // the hanging script's kill grace (1 s) bounds the sweep, not the sum of timeouts
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
