package org.vrrpagent.checks.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;

/**
 * Runs every check once, all at the same time, each bounded by its timeout — what {@code vrrp-agent
 * checks} prints. No rise/fall: one run, one verdict.
 */
public final class CheckSweep {
  private CheckSweep() {}

  /**
   * @return each check's result in the order given; a probe that cannot be created (bad ca-file,
   *     unknown user) is a down result saying why
   */
  public static Map<String, ProbeResult> runOnce(List<CheckSpec> checks, ProbeFactory probes) {
    Map<String, CompletableFuture<ProbeResult>> running = new LinkedHashMap<>();
    List<Probe> created = new ArrayList<>();
    for (CheckSpec check : checks) {
      CompletableFuture<ProbeResult> f;
      try {
        Probe p = probes.create(check.probe());
        created.add(p);
        f =
            p.run(check.timeout())
                .toCompletableFuture()
                .completeOnTimeout(
                    ProbeResult.timedOut(check.timeout(), check.timeout().toNanos()),
                    check.timeout().toNanos(),
                    TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        f = CompletableFuture.completedFuture(ProbeResult.down("cannot run: " + e.getMessage(), 0));
      }
      running.put(check.name(), f);
    }
    Map<String, ProbeResult> results = new LinkedHashMap<>();
    running.forEach((name, f) -> results.put(name, f.join()));
    created.forEach(Probe::close);
    return results;
  }
}
