package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vrrpagent.agent.notify.NotifyFixtures.change;
import static org.vrrpagent.agent.notify.NotifyFixtures.config;
import static org.vrrpagent.core.fsm.VrrpState.BACKUP;
import static org.vrrpagent.core.fsm.VrrpState.INIT;
import static org.vrrpagent.core.fsm.VrrpState.MASTER;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON-lines log, keepalived's FIFO lines, stdout, and live subscribers. */
class EventLogTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant T = Instant.parse("2026-11-22T03:00:00Z");

  @TempDir Path dir;

  private Notifications.Options options(PrintStream stdout) {
    return new Notifications.Options(
        Duration.ofMillis(300),
        Duration.ofMillis(100),
        new Properties(),
        stdout,
        false,
        Clock.fixed(T, ZoneOffset.UTC));
  }

  @Test
  void jsonLinesLogSubscribersAndFifoSeeEveryEventInOrder() throws Exception {
    Path log = dir.resolve("events.jsonl");
    Path fifo = dir.resolve("notify.fifo"); // created by the agent
    List<String> live = new CopyOnWriteArrayList<>();
    List<String> fifoLines = new CopyOnWriteArrayList<>();
    try (Notifications n =
        Notifications.start(
            config(
                """
        events:
          log: %s
          fifo: %s
        """
                    .formatted(log, fifo)),
            StatusSource.NONE,
            options(System.out))) {
      AutoCloseable subscription = n.events().subscribe(live::add);
      n.stateChanged("dns0", change(INIT, BACKUP, "startup", 250));
      await().atMost(WAIT).until(() -> Files.exists(fifo));
      // A reader attaches after the FIFO exists, as keepalived's consumers do.
      Thread reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (var in =
                        new BufferedReader(
                            new InputStreamReader(
                                new FileInputStream(fifo.toFile()), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = in.readLine()) != null) {
                        fifoLines.add(line);
                      }
                    } catch (Exception e) {
                      fifoLines.add("error: " + e);
                    }
                  });
      n.stateChanged("dns0-b", change(INIT, BACKUP, "startup", 100));
      n.stateChanged("dns0", change(BACKUP, MASTER, "check named_ok failed on peer", 250));
      await().atMost(WAIT).until(() -> live.size() == 4 && fifoLines.size() >= 3);
      subscription.close();
      n.stateChanged("dns0", change(MASTER, INIT, "shutdown", 250));
      await().atMost(WAIT).until(() -> n.stats().eventsWritten() == 5);
      assertThat(live).hasSize(4);
      reader.interrupt();
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).hasSize(5);
    JsonNode first = JsonMapper.builder().build().readTree(lines.get(0));
    assertThat(first.get("time").asString()).isEqualTo("2026-11-22T03:00:00Z");
    assertThat(first.get("node").asString()).isEqualTo("ns1");
    assertThat(first.get("type").asString()).isEqualTo("INSTANCE");
    assertThat(first.get("name").asString()).isEqualTo("dns0");
    assertThat(first.get("from").asString()).isEqualTo("INIT");
    assertThat(first.get("to").asString()).isEqualTo("BACKUP");
    assertThat(first.get("priority").asInt()).isEqualTo(250);
    assertThat(first.get("reason").asString()).isEqualTo("startup");
    assertThat(first.get("vips").toString()).isEqualTo("[\"198.18.0.100\",\"198.18.0.101\"]");
    JsonNode group = JsonMapper.builder().build().readTree(lines.get(2));
    assertThat(group.get("type").asString()).isEqualTo("GROUP");
    assertThat(group.get("members").toString()).isEqualTo("[\"dns0\",\"dns0-b\"]");
    assertThat(lines.get(4)).contains("\"to\":\"STOP\"");
    // The FIFO line for the first event may have been written before the reader attached: it waits
    // in the pipe.
    assertThat(fifoLines)
        .startsWith(
            "INSTANCE \"dns0\" BACKUP 250",
            "INSTANCE \"dns0-b\" BACKUP 100",
            "GROUP \"dns\" BACKUP 0",
            "INSTANCE \"dns0\" MASTER 250");
  }

  @Test
  void stdoutGetsJsonLines() {
    var bytes = new ByteArrayOutputStream();
    try (Notifications n =
        Notifications.start(
            config("events: { log: stdout }"),
            StatusSource.NONE,
            options(new PrintStream(bytes, true, StandardCharsets.UTF_8)))) {
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> n.stats().eventsWritten() == 1);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith(
            "{\"time\":\"2026-11-22T03:00:00Z\",\"node\":\"ns1\",\"type\":\"INSTANCE\",\"name\":\"web\"");
  }

  @Test
  void aFifoPathThatIsARegularFileIsRefusedAndLogged() throws Exception {
    Path notFifo = dir.resolve("file");
    Files.writeString(notFifo, "");
    try (Notifications n =
        Notifications.start(
            config("events: { fifo: " + notFifo + " }"), StatusSource.NONE, options(System.out))) {
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> n.stats().eventsWritten() == 1);
    }
    try (RandomAccessFile f = new RandomAccessFile(notFifo.toFile(), "r")) {
      assertThat(f.length()).isZero();
    }
  }

  @Test
  void aThrowingSubscriberDoesNotStopOthersAndSubscribersAreLimited() {
    List<String> got = new CopyOnWriteArrayList<>();
    try (Notifications n =
        Notifications.start(config("events: {}"), StatusSource.NONE, options(System.out))) {
      n.events()
          .subscribe(
              json -> {
                throw new IllegalStateException("broken subscriber");
              });
      n.events().subscribe(got::add);
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> got.size() == 1);
      for (int i = 2; i < EventBus.MAX_SUBSCRIBERS; i++) {
        n.events().subscribe(json -> {});
      }
      assertThatThrownBy(() -> n.events().subscribe(json -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at most " + EventBus.MAX_SUBSCRIBERS);
    }
  }
}
