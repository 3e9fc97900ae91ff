package org.vrrpagent.agent.actions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.notify.ActionEvent;
import org.vrrpagent.core.fsm.Action.StateChanged;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * Who is master as the runner sees it (itself on MASTER, the peer on FAULT and, in BACKUP, once the
 * master's advert is heard), and that only the newest wish counts; with real files and a real
 * (slow) reload command.
 */
class ActionRunnerTest {
  @TempDir Path dir;
  final List<ActionEvent> events = new CopyOnWriteArrayList<>();
  ActionRunner runner;

  @AfterEach
  void close() {
    if (runner != null) {
      runner.close(Duration.ofSeconds(5));
    }
  }

  Path setUp(String reloadSleep) throws Exception {
    Path zone = dir.resolve("example.org.zone");
    Files.writeString(zone, ZoneRewriterTest.ZONE);
    Path script = dir.resolve("reload.sh");
    Files.writeString(
        script, "#!/bin/sh\nsleep " + reloadSleep + "\necho x >> " + dir.resolve("reloads") + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Config config =
        ConfigLoader.parse(
            "agent.yaml",
            DnsPairConfig.ns2WithZoneFile(
                "{ path: %s, marker: \"; Enable failover\", reload: [%s], on: [master, backup, fault] }"
                    .formatted(zone, script)));
    runner =
        ActionRunner.start(
            config,
            events::add,
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));
    return zone;
  }

  static StateChanged to(VrrpState from, VrrpState to) {
    return new StateChanged(from, to, "test", 100);
  }

  void awaitEvents(int n) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= n);
  }

  @Test
  void aBackupActsOnlyOnceTheMastersAdvertIsHeard() throws Exception {
    Path zone = setUp("0");
    runner.stateChanged("www", to(VrrpState.INIT, VrrpState.BACKUP));
    Awaitility.await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(2))
        .until(events::isEmpty);
    runner.advertReceived("www");
    runner.advertReceived("www"); // only the first advert in BACKUP counts
    awaitEvents(1);
    // ns1 was master in the file already: nothing to do
    assertThat(events.getFirst().result()).isEqualTo(ActionEvent.Result.UNCHANGED);
    assertThat(events.getFirst().master()).isEqualTo("ns1");

    runner.stateChanged("www", to(VrrpState.BACKUP, VrrpState.MASTER));
    awaitEvents(2);
    assertThat(events.get(1).result()).isEqualTo(ActionEvent.Result.CHANGED);
    assertThat(events.get(1).master()).isEqualTo("ns2");
    assertThat(Files.readString(zone)).contains("www     60 IN A     203.0.113.20");

    runner.stateChanged("www", to(VrrpState.MASTER, VrrpState.FAULT)); // at once, no advert needed
    awaitEvents(3);
    assertThat(events.get(2).master()).isEqualTo("ns1");
    assertThat(Files.readString(zone)).contains("www     60 IN A     192.0.2.99");
    Awaitility.await().during(Duration.ofMillis(300)).until(() -> events.size() == 3);
  }

  @Test
  void onlyTheNewestWishCounts() throws Exception {
    Path zone = setUp("0.5");
    runner.stateChanged("www", to(VrrpState.BACKUP, VrrpState.MASTER)); // runs (slow reload)
    Thread.sleep(100); // let it start
    runner.stateChanged("www", to(VrrpState.MASTER, VrrpState.FAULT)); // pending ...
    runner.stateChanged("www", to(VrrpState.FAULT, VrrpState.BACKUP));
    runner.advertReceived("www"); // ... replaced by this one (same roles)
    runner.stateChanged("www", to(VrrpState.BACKUP, VrrpState.MASTER)); // ... replaced again
    awaitEvents(2);
    Awaitility.await().during(Duration.ofSeconds(1)).until(() -> events.size() == 2);
    assertThat(events).extracting(ActionEvent::master).containsExactly("ns2", "ns2");
    assertThat(events)
        .extracting(ActionEvent::result)
        .containsExactly(ActionEvent.Result.CHANGED, ActionEvent.Result.UNCHANGED);
    assertThat(Files.readString(zone)).contains("www     60 IN A     203.0.113.20");
    assertThat(Files.readAllLines(dir.resolve("reloads"))).hasSize(1);
  }
}
