package org.vrrpagent.checks.probe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.ProbeSpec;

/**
 * The probe tests' one set-up: a {@link ProbeFactory} for the test class, closed after its last
 * test, and one way to run a probe once and wait for its result.
 *
 * <pre>{@code
 * @RegisterExtension static final ProbeRuns probes = new ProbeRuns();
 * ProbeResult r = probes.run(new TcpProbeSpec(...), Duration.ofSeconds(1));
 * }</pre>
 */
final class ProbeRuns implements AfterAllCallback {
  /** Beyond the probe's own timeout, how long a test waits for its result before it fails. */
  static final Duration MARGIN = Duration.ofSeconds(10);

  /** Made first, as the class loads: it tunes dnsjava before anything else starts dnsjava. */
  private final ProbeFactory factory = new ProbeFactory();

  Probe create(ProbeSpec spec) {
    return factory.create(spec);
  }

  /** Makes a probe for {@code spec}, runs it once with {@code timeout} and waits for the result. */
  ProbeResult run(ProbeSpec spec, Duration timeout) throws Exception {
    return run(create(spec), timeout);
  }

  /** Runs {@code probe} once with {@code timeout} and waits for the result. */
  static ProbeResult run(Probe probe, Duration timeout) throws Exception {
    return probe
        .run(timeout)
        .toCompletableFuture()
        .get(timeout.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    factory.close();
  }
}
