package org.vrrpagent.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.control.StatusSnapshot.PriorityFileStatus;
import org.vrrpagent.checks.CheckScheduler;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.ExecutorTaskScheduler;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.checks.Probe;
import org.vrrpagent.checks.ProbeResult;
import org.vrrpagent.checks.Ticker;
import org.vrrpagent.core.engine.RouterStatus;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.wire.DropReason;

class MetricsTest {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

  /**
   * Parses the exposition text the way a Prometheus server would: every line is a comment or a
   * sample.
   */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("sample line: %s", line).isTrue();
      samples.put(
          m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return samples;
  }

  @Test
  void engineEventsBecomeCountersAndGauges() {
    Metrics metrics = new Metrics();
    startUp(metrics, "dns0");
    metrics.stateChanged(
        "dns0", new Action.StateChanged(VrrpState.BACKUP, VrrpState.MASTER, "master down", 100));
    for (int i = 0; i < 3; i++) {
      metrics.advertSent("dns0", 100);
    }
    metrics.advertReceived("dns0");
    metrics.dropped(null, DropReason.TTL, "TTL 64 (expected: 255)");
    metrics.dropped("dns0", DropReason.AUTH, "x");
    metrics.dropped("dns0", DropReason.AUTH, "x");

    Map<String, Double> s = parse(metrics.scrape());
    assertThat(s)
        .containsEntry("vrrp_state{instance=\"dns0\"}", 2.0)
        .containsEntry("vrrp_priority_effective{instance=\"dns0\"}", 100.0)
        .containsEntry("vrrp_transitions_total{from=\"INIT\",instance=\"dns0\",to=\"BACKUP\"}", 1.0)
        .containsEntry(
            "vrrp_transitions_total{from=\"BACKUP\",instance=\"dns0\",to=\"MASTER\"}", 1.0)
        .containsEntry("vrrp_adverts_sent_total{instance=\"dns0\"}", 3.0)
        .containsEntry("vrrp_adverts_received_total{instance=\"dns0\"}", 1.0)
        .containsEntry("vrrp_rx_dropped_total{reason=\"ttl\"}", 1.0)
        .containsEntry("vrrp_rx_dropped_total{reason=\"auth\"}", 2.0)
        .containsEntry("vrrp_rx_dropped_total{reason=\"checksum\"}", 0.0);
  }

  @Test
  void conflictGaugeCountsPeersInConflict() {
    Metrics metrics = new Metrics();
    startUp(metrics, "dns0");
    assertThat(parse(metrics.scrape())).containsEntry("vrrp_conflict{instance=\"dns0\"}", 0.0);
    var peer =
        new org.vrrpagent.core.fsm.PeerConflict(
            java.net.InetAddress.ofLiteral("198.18.0.12"),
            DropReason.VERSION_MISMATCH,
            "VRRPv2 from 198.18.0.12 (expected: VRRPv3)",
            1,
            1,
            1);
    metrics.conflictRaised("dns0", peer);
    assertThat(parse(metrics.scrape())).containsEntry("vrrp_conflict{instance=\"dns0\"}", 1.0);
    metrics.conflictCleared("dns0", peer);
    assertThat(parse(metrics.scrape())).containsEntry("vrrp_conflict{instance=\"dns0\"}", 0.0);
  }

  @Test
  void everyDropReasonIsPresentFromTheStart() {
    Map<String, Double> s = parse(new Metrics().scrape());
    for (DropReason r : DropReason.values()) {
      assertThat(s).containsEntry("vrrp_rx_dropped_total{reason=\"" + r.label() + "\"}", 0.0);
    }
    for (TransportDrops.Reason r : TransportDrops.Reason.values()) {
      assertThat(s).containsEntry("vrrp_rx_dropped_total{reason=\"" + r.label() + "\"}", 0.0);
    }
  }

  @Test
  void transportDropsAddToTheEngineDropsOfTheSameReason() {
    Metrics metrics = new Metrics();
    TransportDrops v4 = new TransportDrops();
    TransportDrops v6 = new TransportDrops();
    metrics.transportDrops(v4);
    metrics.transportDrops(v6);
    v4.increment(TransportDrops.Reason.UNKNOWN_PEER);
    v6.increment(TransportDrops.Reason.UNKNOWN_PEER);
    v6.increment(TransportDrops.Reason.ANCILLARY_DATA);
    metrics.dropped("dns0", DropReason.UNKNOWN_PEER, "x");
    Map<String, Double> s = parse(metrics.scrape());
    assertThat(s)
        .containsEntry("vrrp_rx_dropped_total{reason=\"unknown_peer\"}", 3.0)
        .containsEntry("vrrp_rx_dropped_total{reason=\"ancillary_data\"}", 1.0);
  }

  @Test
  void statesAndPrioritiesAreReadAtEachScrape() {
    Metrics metrics = new Metrics();
    AtomicReference<List<RouterStatus>> now =
        new AtomicReference<>(
            List.of(status("dns0", VrrpState.BACKUP, 150), status("dns1", VrrpState.FAULT, 0)));
    metrics.instances(now::get);
    Map<String, Double> s = parse(metrics.scrape());
    assertThat(s)
        .containsEntry("vrrp_state{instance=\"dns0\"}", 1.0)
        .containsEntry("vrrp_state{instance=\"dns1\"}", 3.0)
        .containsEntry("vrrp_priority_effective{instance=\"dns0\"}", 150.0);
    now.set(List.of(status("dns0", VrrpState.MASTER, 50), status("dns1", VrrpState.INIT, 100)));
    s = parse(metrics.scrape());
    assertThat(s)
        .containsEntry("vrrp_state{instance=\"dns0\"}", 2.0)
        .containsEntry("vrrp_state{instance=\"dns1\"}", 0.0)
        .containsEntry("vrrp_priority_effective{instance=\"dns0\"}", 50.0);
  }

  @Test
  void priorityFilesAndQueueDepth() {
    Metrics metrics = new Metrics();
    AtomicReference<Boolean> fileOk = new AtomicReference<>(true);
    metrics.priorityOrderFiles(
        () ->
            List.of(
                new PriorityFileStatus(
                    "/etc/vrrp-agent/priority.dns",
                    fileOk.get() ? "OK" : "INVALID",
                    "line 3: duplicate host",
                    List.of(),
                    1,
                    0)));
    AtomicInteger queue = new AtomicInteger(7);
    metrics.notificationQueue(queue::get);

    Map<String, Double> s = parse(metrics.scrape());
    assertThat(s)
        .containsEntry("vrrp_priority_order_file_ok{file=\"/etc/vrrp-agent/priority.dns\"}", 1.0)
        .containsEntry("vrrp_notify_queue_depth", 7.0);
    fileOk.set(false);
    queue.set(0);
    s = parse(metrics.scrape());
    assertThat(s)
        .containsEntry("vrrp_priority_order_file_ok{file=\"/etc/vrrp-agent/priority.dns\"}", 0.0)
        .containsEntry("vrrp_notify_queue_depth", 0.0);
  }

  @Test
  void checksComeFromTheSchedulersLiveCountersAndLeaveWithAReload() throws Exception {
    Metrics metrics = new Metrics();
    try (ExecutorTaskScheduler tasks = ExecutorTaskScheduler.singleThread()) {
      CheckScheduler scheduler = new CheckScheduler(Ticker.SYSTEM, tasks, 1, false);
      AtomicBoolean up = new AtomicBoolean(true);
      Probe probe =
          timeout ->
              CompletableFuture.completedFuture(
                  up.get()
                      ? ProbeResult.up("HTTP 200", 2_000_000)
                      : ProbeResult.down("HTTP 503 (expected: 200)", 4_000_000));
      scheduler.add(httpCheck("web"), probe);
      scheduler.add(httpCheck("old"), probe);
      scheduler.start();
      metrics.checks(scheduler);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  parse(metrics.scrape())
                          .getOrDefault("check_runs_total{check=\"web\",result=\"up\"}", 0.0)
                      == 1.0);
      up.set(false);
      scheduler.runNow("web");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  parse(metrics.scrape())
                          .getOrDefault("check_runs_total{check=\"web\",result=\"down\"}", 0.0)
                      == 1.0);
      Map<String, Double> s = parse(metrics.scrape());
      assertThat(s)
          .containsEntry("check_up{check=\"web\"}", 0.0)
          .containsEntry("check_duration_seconds_count{check=\"web\"}", 2.0)
          .containsEntry("check_duration_seconds_sum{check=\"web\"}", 0.006)
          .containsKey("check_up{check=\"old\"}");

      scheduler.remove("old");
      metrics.checks(scheduler);
      assertThat(parse(metrics.scrape()))
          .containsKey("check_up{check=\"web\"}")
          .doesNotContainKey("check_up{check=\"old\"}");
      scheduler.close();
    }
  }

  @Test
  void instancesRemovedByAReloadLeaveTheScrape() {
    Metrics metrics = new Metrics();
    AtomicReference<List<RouterStatus>> routers =
        new AtomicReference<>(
            List.of(status("dns0", VrrpState.MASTER, 200), status("dns1", VrrpState.BACKUP, 100)));
    metrics.instances(routers::get);
    startUp(metrics, "dns1");
    assertThat(parse(metrics.scrape())).containsKeys("vrrp_state{instance=\"dns1\"}");

    routers.set(List.of(status("dns0", VrrpState.MASTER, 200)));
    Map<String, Double> s = parse(metrics.scrape());
    assertThat(s)
        .containsKeys("vrrp_state{instance=\"dns0\"}")
        .doesNotContainKeys(
            "vrrp_state{instance=\"dns1\"}", "vrrp_priority_effective{instance=\"dns1\"}")
        .containsEntry(
            "vrrp_transitions_total{from=\"INIT\",instance=\"dns1\",to=\"BACKUP\"}", 1.0);

    routers.set(List.of(status("dns0", VrrpState.MASTER, 200), status("dns1", VrrpState.FAULT, 0)));
    assertThat(parse(metrics.scrape())).containsEntry("vrrp_state{instance=\"dns1\"}", 3.0);
  }

  @Test
  void aFailingSourceKeepsTheLastValuesAndTheScrapeWorks() {
    Metrics metrics = new Metrics();
    AtomicReference<RuntimeException> fail = new AtomicReference<>();
    metrics.instances(
        () -> {
          if (fail.get() != null) {
            throw fail.get();
          }
          return List.of(status("dns0", VrrpState.MASTER, 200));
        });
    assertThat(parse(metrics.scrape())).containsEntry("vrrp_state{instance=\"dns0\"}", 2.0);
    fail.set(new IllegalStateException("engine stopped"));
    assertThat(parse(metrics.scrape())).containsEntry("vrrp_state{instance=\"dns0\"}", 2.0);
  }

  @Test
  void theDocumentedNamesAreTheScrapedNames() throws Exception {
    Metrics metrics = new Metrics();
    startUp(metrics, "dns0");
    metrics.advertSent("dns0", 100);
    metrics.advertReceived("dns0");
    try (ExecutorTaskScheduler tasks = ExecutorTaskScheduler.singleThread()) {
      CheckScheduler scheduler = new CheckScheduler(Ticker.SYSTEM, tasks, 1, false);
      scheduler.add(
          httpCheck("c"), timeout -> CompletableFuture.completedFuture(ProbeResult.up("ok", 1)));
      metrics.checks(scheduler);
      scheduler.close();
    }
    metrics.priorityOrderFiles(
        () -> List.of(new PriorityFileStatus("f", "OK", null, List.of(), 1, 0)));
    metrics.notificationQueue(() -> 0);
    metrics.processRuns(new org.vrrpagent.base.ProcessGroupRunner("hook", 1));
    metrics.instances(
        () ->
            List.of(
                new org.vrrpagent.core.engine.RouterStatus(
                    "dns0",
                    VrrpState.BACKUP,
                    254,
                    254,
                    null,
                    -1,
                    100,
                    null,
                    1,
                    false,
                    List.of(),
                    "carp")));
    String text = metrics.scrape();
    assertThat(text).contains("vrrp_instance_info{instance=\"dns0\",protocol=\"carp\"} 1");
    for (String name : Metrics.names()) {
      assertThat(text).as(name).containsPattern("(?m)^" + name + "(_count|_sum)?[{ ]");
    }
  }

  @Test
  void processRunsByKind() throws Exception {
    Metrics metrics = new Metrics();
    try (var runner = new org.vrrpagent.base.ProcessGroupRunner("script", 3)) {
      metrics.processRuns(runner);
      runner.run(
          org.vrrpagent.base.ProcessGroupRunner.Run.of(
              List.of("/bin/sh", "-c", "sleep 30 & exit 0"), java.time.Duration.ofSeconds(5)));
      runner.run(
          org.vrrpagent.base.ProcessGroupRunner.Run.of(
              List.of("sleep", "30"), java.time.Duration.ofMillis(100)));
      Map<String, Double> s = parse(metrics.scrape());
      assertThat(s)
          .containsEntry("vrrp_process_runs_live{kind=\"script\"}", 0.0)
          .containsEntry("vrrp_process_runs_limit{kind=\"script\"}", 3.0)
          .containsEntry("vrrp_process_runs_total{kind=\"script\"}", 2.0)
          .containsEntry("vrrp_process_runs_refused_total{kind=\"script\"}", 0.0)
          .containsEntry("vrrp_process_runs_timed_out_total{kind=\"script\"}", 1.0)
          .containsEntry("vrrp_process_leftovers_killed_total{kind=\"script\"}", 1.0);
    }
  }

  /** Instance {@code instance} comes up: INIT -> BACKUP at priority 100. */
  private static void startUp(Metrics metrics, String instance) {
    metrics.stateChanged(
        instance, new Action.StateChanged(VrrpState.INIT, VrrpState.BACKUP, "startup", 100));
  }

  /** An HTTP check of 127.0.0.1 that runs once an hour (the tests run it themselves). */
  private static CheckSpec httpCheck(String name) {
    return new CheckSpec(
        name, HttpProbeSpec.of("http://127.0.0.1/"), Duration.ofHours(1), null, null, null, null);
  }

  private static RouterStatus status(String name, VrrpState state, int priority) {
    InetAddress master = InetAddress.ofLiteral("198.18.0.1");
    return new RouterStatus(name, state, 100, priority, master, priority, 100, null, 0);
  }
}
