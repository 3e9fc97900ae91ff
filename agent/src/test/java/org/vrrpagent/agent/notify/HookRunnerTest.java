package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vrrpagent.agent.notify.NotifyFixtures.change;
import static org.vrrpagent.agent.notify.NotifyFixtures.config;
import static org.vrrpagent.agent.notify.NotifyFixtures.options;
import static org.vrrpagent.agent.notify.NotifyFixtures.script;
import static org.vrrpagent.agent.notify.NotifyFixtures.start;
import static org.vrrpagent.core.fsm.VrrpState.BACKUP;
import static org.vrrpagent.core.fsm.VrrpState.FAULT;
import static org.vrrpagent.core.fsm.VrrpState.INIT;
import static org.vrrpagent.core.fsm.VrrpState.MASTER;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vrrpagent.base.ProcessTable;

/** Hooks run real processes: the keepalived argv/env contract, order, timeouts, output limits. */
class HookRunnerTest {
  @TempDir Path dir;

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A script that appends "argv|env" lines to out. */
  private Path recorder(String name, Path out) throws IOException {
    return script(
        dir,
        name,
        """
        {
          printf 'argv:'; for a in "$@"; do printf ' [%%s]' "$a"; done; printf '\\n'
          env | grep -E '^(VRRP_|PATH=|HOME=)' | sort
          echo end
        } >> %s
        """
            .formatted(out));
  }

  @Test
  void genericHookGetsKeepalivedsFourArgumentsAndTheEnvironment() throws Exception {
    Path out = dir.resolve("out");
    Path hook = recorder("notify", out);
    try (Notifications n =
        start(
            """
        hooks:
          - exec: [%s, --flag]
        """
                .formatted(hook))) {
      n.stateChanged("dns0", change(BACKUP, MASTER, "master down timer expired", 250));
      await().atMost(WAIT).until(() -> n.stats().hooksRun() == 1 && lines(out).contains("end"));
    }
    assertThat(lines(out))
        .containsExactly(
            "argv: [--flag] [INSTANCE] [dns0] [MASTER] [250]",
            "PATH=" + HookRunner.PATH,
            "VRRP_INSTANCE=dns0",
            "VRRP_NAME=dns0",
            "VRRP_NODE=ns1",
            "VRRP_PREVIOUS_STATE=BACKUP",
            "VRRP_PRIORITY=250",
            "VRRP_REASON=master down timer expired",
            "VRRP_STATE=MASTER",
            "VRRP_TIME="
                + lines(out).stream()
                    .filter(l -> l.startsWith("VRRP_TIME="))
                    .findFirst()
                    .orElseThrow()
                    .substring(10),
            "VRRP_TYPE=INSTANCE",
            "VRRP_VIPS=198.18.0.100 198.18.0.101",
            "end");
  }

  @Test
  void perStateHookGetsOnlyItsOwnArgvAndOnlyItsStatesAndInstances() throws Exception {
    Path out = dir.resolve("out");
    Path hook = recorder("on-master", out);
    try (Notifications n =
        start(
            """
        hooks:
          - exec: [%s, dns0]
            on: [master, stop]
            instances: [dns0]
        """
                .formatted(hook))) {
      n.stateChanged("dns0", change(INIT, BACKUP, "startup", 250)); // not its state
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100)); // not its instance
      n.stateChanged("dns0", change(BACKUP, MASTER, "master down", 250)); // runs
      n.stateChanged("dns0", change(MASTER, INIT, "shutdown", 250)); // STOP: runs
      await().atMost(WAIT).until(() -> n.stats().hooksRun() == 2 && count(out, "end") == 2);
    }
    assertThat(lines(out).stream().filter(l -> l.startsWith("argv") || l.startsWith("VRRP_STATE")))
        .containsExactly("argv: [dns0]", "VRRP_STATE=MASTER", "argv: [dns0]", "VRRP_STATE=STOP");
  }

  @Test
  void syncGroupLineWhenAllMembersAgree() throws Exception {
    Path out = dir.resolve("out");
    Path hook = recorder("notify", out);
    try (Notifications n =
        start(
            """
        hooks:
          - exec: [%s]
            instances: [dns]
        """
                .formatted(hook))) {
      n.stateChanged("dns0", change(BACKUP, MASTER, "master down", 250));
      n.stateChanged("dns0-b", change(BACKUP, MASTER, "group: dns0 became master", 100));
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> n.stats().hooksRun() == 1 && count(out, "end") == 1);
    }
    assertThat(lines(out))
        .contains(
            "argv: [GROUP] [dns] [MASTER] [0]",
            "VRRP_GROUP=dns",
            "VRRP_INSTANCES=dns0 dns0-b",
            "VRRP_VIPS=198.18.0.100 198.18.0.101 198.18.0.102");
    assertThat(lines(out)).doesNotContain("VRRP_INSTANCE=dns0");
  }

  @Test
  void aBurstRunsInEventOrderOneAtATime() throws Exception {
    Path out = dir.resolve("out");
    Path lock = dir.resolve("running");
    // Fails loudly (writes OVERLAP) if two runs of the hook ever overlap.
    Path hook =
        script(
            dir,
            "notify",
            """
        if ! mkdir %1$s 2>/dev/null; then echo OVERLAP >> %2$s; fi
        echo "$3 $4" >> %2$s
        sleep 0.01
        rmdir %1$s
        """
                .formatted(lock, out));
    List<String> expected = new ArrayList<>();
    try (Notifications n =
        start(
            """
        hooks:
          - exec: [%s]
            instances: [web]
        """
                .formatted(hook))) {
      var states = List.of(MASTER, BACKUP, FAULT, BACKUP);
      var prev = INIT;
      for (int i = 0; i < 40; i++) {
        var to = states.get(i % states.size());
        n.stateChanged("web", change(prev, to, "burst " + i, 100 + i));
        expected.add(Notifications.state(to) + " " + (100 + i));
        prev = to;
      }
      await()
          .atMost(WAIT)
          .until(
              () -> n.stats().hooksRun() == 40 && lines(out).size() >= 40 && !Files.exists(lock));
    }
    assertThat(lines(out)).containsExactlyElementsOf(expected);
  }

  @Test
  void timeoutKillsTheWholeProcessGroupAndLeavesNoZombie() throws Exception {
    Path pids = dir.resolve("pids");
    // The hook starts a child that ignores SIGTERM, then hangs itself.
    Path hook =
        script(
            dir,
            "hang",
            """
        sh -c 'trap "" TERM; echo child $$ >> %1$s; while :; do sleep 1; done' &
        echo hook $$ >> %1$s
        exec sleep 600
        """
                .formatted(pids));
    try (Notifications n =
        start(
            """
        hooks:
          - exec: [%s]
            timeout: 300ms
        """
                .formatted(hook))) {
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> lines(pids).size() == 2);
      List<Long> started = lines(pids).stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
      long hookPid =
          lines(pids).stream()
              .filter(l -> l.startsWith("hook "))
              .map(l -> Long.parseLong(l.substring(5)))
              .findFirst()
              .orElseThrow();
      await().atMost(WAIT).until(() -> n.stats().hooksTimedOut() == 1);
      assertThat(n.stats().hooksFailed()).isEqualTo(1);
      // The whole group is gone, the child that ignored SIGTERM too (SIGKILL after the grace).
      await().atMost(WAIT).until(() -> started.stream().noneMatch(HookRunnerTest::exists));
      // The hook, our child, is reaped: no /proc entry at all, not even a zombie.
      await().atMost(WAIT).until(() -> !Files.exists(Path.of("/proc/" + hookPid)));
      assertThat(ProcessHandle.current().children().filter(p -> started.contains(p.pid())))
          .isEmpty();
    }
  }

  @Test
  void theHookRunsInItsOwnProcessGroup() throws Exception {
    Path out = dir.resolve("out");
    Path hook =
        script(
            dir,
            "pgid",
            "echo \"$$ $(ps -o pgid= -p $$ | tr -d ' ') $(ps -o sid= -p $$ | tr -d ' ')\" > "
                + out
                + "\n");
    try (Notifications n = start("hooks: [{ exec: [" + hook + "] }]")) {
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> lines(out).size() == 1);
    }
    String[] f = lines(out).getFirst().split(" ");
    assertThat(f[1]).as("process group = its pid").isEqualTo(f[0]);
    assertThat(f[2]).as("session = its pid").isEqualTo(f[0]);
  }

  @Test
  void floodedOutputIsBoundedAndTheHookStillCompletes() throws Exception {
    Path hook =
        script(dir, "flood", "head -c 5000000 /dev/zero | tr '\\\\0' x\necho done >&2\nexit 3\n");
    var logged = new ListAppender<ILoggingEvent>();
    var logger = (Logger) LoggerFactory.getLogger(HookRunner.class);
    logged.start();
    logger.addAppender(logged);
    try (Notifications n = start("hooks: [{ exec: [" + hook + "] }]")) {
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> n.stats().hooksFailed() == 1);
      assertThat(n.stats().hooksTimedOut()).isZero();
    } finally {
      logger.detachAppender(logged);
    }
    String message =
        logged.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("exit status 3"))
            .findFirst()
            .orElseThrow();
    assertThat(message.length()).isLessThan(HookRunner.MAX_LOGGED_OUTPUT_BYTES + 500);
    assertThat(message).contains("more bytes of output discarded");
  }

  @Test
  void aHangingHookNeverDelaysTheCaller() throws Exception {
    Path gate = dir.resolve("gate");
    Path out = dir.resolve("out");
    // Each run waits until the test creates the gate file (bounded by the hook timeout).
    Path hook =
        script(
            dir,
            "slow",
            "while [ ! -e %s ]; do sleep 0.05; done\necho \"$4\" >> %s\n".formatted(gate, out));
    try (Notifications n =
        start(
            """
        hooks:
          - exec: [%s]
            timeout: 60s
        """
                .formatted(hook))) {
      // While the first run is blocked, 200 more transitions are accepted by the caller's thread:
      // stateChanged only enqueues. If it waited for the hook, this loop could not finish before
      // the gate opens.
      for (int i = 0; i < 200; i++) {
        n.stateChanged("web", change(BACKUP, MASTER, "t" + i, i));
      }
      assertThat(Files.exists(out)).as("no run finished while the gate was closed").isFalse();
      assertThat(n.stats().hookQueueDepth()).isBetween(199, 200);
      Files.createFile(gate);
      await().atMost(Duration.ofSeconds(60)).until(() -> lines(out).size() == 200);
    }
  }

  @Test
  void closeKillsARunningHookAndReturnsWithinItsBudget() throws Exception {
    Path pid = dir.resolve("pid");
    Path hook = script(dir, "hang", "echo $$ > %s\nexec sleep 600\n".formatted(pid));
    Notifications n = start("hooks: [{ exec: [" + hook + "], timeout: 1h }]");
    n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
    n.stateChanged("web", change(MASTER, INIT, "shutdown", 100));
    await().atMost(WAIT).until(() -> lines(pid).size() == 1);
    long start = System.nanoTime();
    n.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("close() with a hanging hook took " + took.toMillis() + " ms");
    assertThat(took).isLessThan(Notifications.CLOSE_BUDGET.plusSeconds(2));
    long p = Long.parseLong(lines(pid).getFirst());
    await().atMost(WAIT).until(() -> !exists(p));
    assertThat(n.stats().hooksDropped()).as("the STOP run never started").isEqualTo(1);
  }

  @Test
  void aMissingProgramIsCountedAsFailed() throws Exception {
    Path hook = script(dir, "gone", "exit 0\n");
    try (Notifications n = start("hooks: [{ exec: [" + hook + "] }]")) {
      Files.delete(hook);
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> n.stats().hooksFailed() == 1);
    }
  }

  @Test
  void asRootAHookThatBecameWorldWritableIsRefusedAtRunTime() throws Exception {
    Path out = dir.resolve("out");
    Path hook = script(dir, "notify", "echo ran > " + out + "\n");
    var o = options();
    var asRoot =
        new Notifications.Options(
            o.hookKillGrace(),
            o.mailInitialBackoff(),
            o.mailProperties(),
            o.stdout(),
            true,
            o.clock());
    try (Notifications n =
        Notifications.start(
            config("hooks: [{ exec: [" + hook + "] }]"), StatusSource.NONE, asRoot)) {
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> n.stats().hooksRun() == 1 && Files.exists(out));
      Files.delete(out);
      Files.setPosixFilePermissions(
          hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
      n.stateChanged("web", change(MASTER, BACKUP, "higher priority advert", 100));
      await().atMost(WAIT).until(() -> n.stats().hooksFailed() == 1);
    }
    assertThat(out).doesNotExist();
  }

  /**
   * Issue 10 fault 2 for hooks: a hook whose child keeps stdout open. The next run is not held back
   * by the pipe (it used to wait a second per run), and no child outlives its run.
   */
  @Test
  void aChildKeepingStdoutOpenNeitherDelaysTheNextRunNorOutlivesItsRun() throws Exception {
    String mark = ProcessTable.mark(600_000);
    Path out = dir.resolve("out");
    Path hook = script(dir, "leaky", "echo run >> %s\nsleep %s &\nexit 0\n".formatted(out, mark));
    try (Notifications n = start("hooks: [{ exec: [" + hook + "] }]")) {
      long start = System.nanoTime();
      for (int i = 0; i < 10; i++) {
        n.stateChanged(
            "web", change(i % 2 == 0 ? BACKUP : MASTER, i % 2 == 0 ? MASTER : BACKUP, "test", 100));
      }
      await().atMost(WAIT).until(() -> n.stats().hooksRun() == 10);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).as("10 runs, one at a time").isLessThan(Duration.ofSeconds(8));
      assertThat(ProcessTable.running("sleep", mark)).as("children left").isZero();
      assertThat(n.hookRuns().stats().leftoversKilled()).isEqualTo(10);
    }
    assertThat(lines(out)).hasSize(10);
  }

  /**
   * The timeout sends SIGTERM at the timeout: a 500 ms timeout of a hook that ignores SIGTERM is
   * logged at about 500 ms, not after the 1 s grace (the old runner logged 1.5 s and more).
   */
  @Test
  void theTimeoutFiresOnTime() throws Exception {
    Path hook = script(dir, "hang", "trap '' TERM\nwhile :; do sleep 0.1; done\n");
    var o = options();
    var oneSecondGrace =
        new Notifications.Options(
            Duration.ofSeconds(1),
            o.mailInitialBackoff(),
            o.mailProperties(),
            o.stdout(),
            false,
            o.clock());
    var logged = new ListAppender<ILoggingEvent>();
    var logger = (Logger) LoggerFactory.getLogger(HookRunner.class);
    logged.start();
    logger.addAppender(logged);
    try (Notifications n =
        Notifications.start(
            config("hooks: [{ exec: [" + hook + "], timeout: 500ms }]"),
            StatusSource.NONE,
            oneSecondGrace)) {
      n.stateChanged("web", change(BACKUP, MASTER, "master down", 100));
      await().atMost(WAIT).until(() -> n.stats().hooksTimedOut() == 1);
    } finally {
      logger.detachAppender(logged);
    }
    String line =
        logged.list.stream()
            .map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("timed out"))
            .findFirst()
            .orElseThrow();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("timed out after (\\d+) ms \\(timeout 500ms\\)")
            .matcher(line);
    assertThat(m.find()).as(line).isTrue();
    assertThat(Long.parseLong(m.group(1))).as(line).isBetween(500L, 1_200L);
    assertThat(line).contains("process group killed after 1s grace");
  }

  /** True when /proc has the process and it is not a zombie. */
  static boolean exists(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  static List<String> lines(Path p) throws IOException {
    if (!Files.exists(p)) {
      return List.of();
    }
    try (Stream<String> s = Files.lines(p, StandardCharsets.UTF_8)) {
      return s.toList();
    }
  }

  static long count(Path p, String line) throws IOException {
    return lines(p).stream().filter(line::equals).count();
  }
}
