package org.vrrpagent.agent.control;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vrrpagent.agent.config.ControlConfig;
import org.vrrpagent.agent.control.StatusSnapshot.CheckSnapshot;
import org.vrrpagent.agent.control.StatusSnapshot.InstanceStatus;
import org.vrrpagent.agent.control.StatusSnapshot.PriorityReason;
import org.vrrpagent.agent.metrics.Metrics;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * Prints the control API's latency for {@code GET /status} and {@code GET /metrics} on a large
 * agent (64 instances, 256 checks), one client, keep-alive, over loopback. Not a test: run it with
 * the test classpath (docs/benchmarks.md, "Control API").
 */
public final class ControlApiBenchmark {
  static final int INSTANCES = 64;
  static final int CHECKS = 256;
  static final int WARMUP = 2_000;
  static final int ROUNDS = 5_000;

  public static void main(String[] args) throws Exception {
    List<InstanceStatus> instances = new ArrayList<>();
    List<RouterStatus> routers = new ArrayList<>();
    InetAddress master = InetAddress.ofLiteral("198.18.0.11");
    for (int i = 0; i < INSTANCES; i++) {
      instances.add(
          new InstanceStatus(
              "dns" + i,
              "BACKUP",
              null,
              200,
              150,
              List.of(
                  new PriorityReason("configured", 200),
                  new PriorityReason("check c" + i + " (down)", -50)),
              null,
              "198.18.0.11",
              250,
              List.of("198.18.1." + i + "/24"),
              Instant.now()));
      routers.add(
          new RouterStatus("dns" + i, VrrpState.BACKUP, 200, 150, master, 250, 100, null, 1));
    }
    List<CheckSnapshot> checks = new ArrayList<>();
    for (int i = 0; i < CHECKS; i++) {
      Map<String, Long> runs =
          new LinkedHashMap<>(Map.of("up", 1000L + i, "down", 3L, "timeout", 1L, "skipped", 0L));
      checks.add(
          new CheckSnapshot(
              "c" + i,
              "dns 127.0.0.1:53 example.org TXT",
              true,
              "up",
              "NOERROR, 1 answer",
              1.5,
              runs,
              1004 + i,
              1_000_000_000L));
    }
    StatusSnapshot snapshot =
        new StatusSnapshot("bench", Instant.now(), instances, checks, List.of());
    Metrics metrics = new Metrics();
    metrics.instances(() -> routers);
    var tasks = org.vrrpagent.checks.ExecutorTaskScheduler.singleThread();
    var scheduler =
        new org.vrrpagent.checks.CheckScheduler(
            org.vrrpagent.checks.Ticker.SYSTEM, tasks, 1, false);
    for (int i = 0; i < CHECKS; i++) {
      scheduler.add(
          new org.vrrpagent.checks.CheckSpec(
              "c" + i,
              org.vrrpagent.checks.HttpProbeSpec.of("http://127.0.0.1/"),
              java.time.Duration.ofHours(1),
              null,
              null,
              null,
              null),
          timeout ->
              java.util.concurrent.CompletableFuture.completedFuture(
                  org.vrrpagent.checks.ProbeResult.up("HTTP 200", 1_500_000)));
    }
    scheduler.start();
    metrics.checks(scheduler);
    for (RouterStatus r : routers) {
      metrics.stateChanged(
          r.name(), new Action.StateChanged(VrrpState.INIT, VrrpState.BACKUP, "startup", 150));
      metrics.advertReceived(r.name());
    }
    ControlBackend backend =
        new ControlBackend() {
          @Override
          public StatusSnapshot status() {
            return snapshot;
          }

          @Override
          public ActionResult demote(String instance, Demotion d) {
            return ActionResult.done("ok");
          }

          @Override
          public ActionResult promote(String instance) {
            return ActionResult.done("ok");
          }

          @Override
          public ActionResult rotate(String instance) {
            return ActionResult.done("ok");
          }

          @Override
          public ActionResult reload() {
            return ActionResult.done("ok");
          }
        };
    try (ControlServer server = new ControlServer(backend, metrics::scrape, EventSource.NONE);
        HttpClient http = HttpClient.newHttpClient()) {
      InetSocketAddress bound =
          (InetSocketAddress)
              server
                  .start(
                      new ControlConfig(
                          Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                          Optional.empty()))
                  .getFirst();
      URI base = URI.create("http://127.0.0.1:" + bound.getPort());
      for (String path : List.of("/status", "/metrics")) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).GET().build();
        int bytes = 0;
        for (int i = 0; i < WARMUP; i++) {
          bytes = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
        }
        long[] nanos = new long[ROUNDS];
        long start = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
          long t = System.nanoTime();
          HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          nanos[i] = System.nanoTime() - t;
          if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": HTTP " + r.statusCode());
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(nanos);
        System.out.printf(
            "GET %-8s %7d bytes  p50 %6.0f µs  p99 %6.0f µs  max %7.0f µs  %6.0f requests/s%n",
            path,
            bytes,
            nanos[ROUNDS / 2] / 1e3,
            nanos[ROUNDS * 99 / 100] / 1e3,
            nanos[ROUNDS - 1] / 1e3,
            ROUNDS / seconds);
      }
      long t = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        metrics.scrape();
      }
      System.out.printf(
          "Metrics.scrape() in process: %.0f µs each%n", (System.nanoTime() - t) / 1000 / 1e3);
    } finally {
      scheduler.close();
      tasks.close();
    }
  }
}
