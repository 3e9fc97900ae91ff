package org.vrrpagent.agent.control;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.vrrpagent.agent.control.StatusSnapshot.CheckSnapshot;
import org.vrrpagent.agent.control.StatusSnapshot.InstanceStatus;
import org.vrrpagent.agent.control.StatusSnapshot.PriorityFileStatus;
import org.vrrpagent.agent.control.StatusSnapshot.PriorityReason;

/** A backend with one instance "dns0" and one check "resolver"; it records what it was asked. */
public final class FakeBackend implements ControlBackend {
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public volatile boolean refuseReload;
  volatile RuntimeException statusFailure;

  public static StatusSnapshot snapshot() {
    InstanceStatus dns0 =
        new InstanceStatus(
            "dns0",
            "MASTER",
            null,
            200,
            150,
            List.of(
                new PriorityReason("rank 2 in priority.dns", 200),
                new PriorityReason("check resolver (down)", -50)),
            "demoted by 50 by the operator",
            "198.18.0.2",
            150,
            List.of("198.18.0.100/24", "fd00:198:18::100/64"),
            Instant.parse("2026-11-22T03:00:00Z"));
    CheckSnapshot resolver =
        new CheckSnapshot(
            "resolver",
            "dns 127.0.0.1:53 example.org A",
            false,
            "down",
            "DNS 127.0.0.1: SERVFAIL (expected: NOERROR)",
            12.5,
            Map.of("up", 10L, "down", 3L, "timeout", 1L, "skipped", 0L),
            14,
            140_000_000L);
    PriorityFileStatus file =
        new PriorityFileStatus(
            "/etc/vrrp-agent/priority.dns", "OK", null, List.of("recdns-cnh", "recdns-sby"), 3, 0);
    return new StatusSnapshot(
        "recdns-sby",
        Instant.parse("2026-11-22T03:01:00Z"),
        List.of(dns0),
        List.of(resolver),
        List.of(file));
  }

  @Override
  public StatusSnapshot status() {
    if (statusFailure != null) {
      throw statusFailure;
    }
    return snapshot();
  }

  @Override
  public ActionResult demote(String instance, Demotion demotion) {
    calls.add("demote " + instance + " " + demotion);
    return ActionResult.done(instance + ": demoted " + demotion);
  }

  @Override
  public ActionResult promote(String instance) {
    calls.add("promote " + instance);
    return ActionResult.done(instance + ": demotion ended");
  }

  @Override
  public ActionResult rotate(String instance) {
    calls.add("rotate " + instance);
    return ActionResult.done(instance + ": rotation started");
  }

  @Override
  public ActionResult reload() {
    calls.add("reload");
    return refuseReload
        ? ActionResult.refused(
            "agent.yaml:3:5: unknown key 'prio' (expected: priority); the running configuration is kept")
        : ActionResult.done("configuration reloaded: 0 instances changed");
  }
}
