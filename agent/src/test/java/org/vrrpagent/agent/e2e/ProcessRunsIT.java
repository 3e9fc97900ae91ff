package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.base.ProcessTable;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Issue 10 fault 2, with the real daemon in a lab namespace: a script check whose child keeps
 * stdout open ({@code sleep N & exit 0}) every 100 ms, an unrelated interface check the instance
 * depends on (weight 0: down means FAULT), and a hook that hangs past its 2 s timeout. Before the
 * fix each script run left a child, a pipe and two threads behind, the interface check timed out
 * after about a minute, and a hook's 2 s timeout fired at 3 s.
 */
class ProcessRunsIT {
  /**
   * The sleep argument that marks this test's processes (no other process on the machine uses it).
   */
  static final String MARK = ProcessTable.mark(800_000);

  AgentLab lab;

  @BeforeEach
  void setUp() {
    lab = AgentLab.create(1);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  String config() throws IOException {
    Path hook = lab.write("hang.sh", "#!/bin/sh\nsleep " + MARK + "\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    String instance =
        LabConfigs.agent(
            "h1",
            51,
            200,
            "198.18.0.100/24",
            """
        track:
          - { check: uplink }
          - { check: leaky, weight: 10 }
        """);
    return instance
        + """
        checks:
          leaky:
            script: { exec: [/bin/sh, -c, "sleep %s & exit 0"] }
            interval: 100ms
            timeout: 100ms
          uplink:
            interface: { name: eth0 }
            interval: 200ms
            timeout: 200ms
            fall: 3
        notify:
          hooks:
            - exec: [%s]
              timeout: 2s
        """
            .formatted(MARK, hook);
  }

  @Test
  void leakyScriptsLeaveNothingBehindAndDisturbNothing() throws Exception {
    NetnsLab.LabProcess agent = lab.agent(1, config());
    lab.awaitLog(agent, "dns0: BACKUP -> MASTER", FailoverIT.ELECTION);
    long pid = agent.pid(); // bin/vrrp-agent execs java; ip netns exec execs it
    Awaitility.await("the JVM")
        .atMost(Duration.ofSeconds(10))
        .until(() -> comm(pid).equals("java"));

    // The baseline once the hook for BACKUP -> MASTER has timed out (2 s on, ~20 script runs
    // later).
    Awaitility.await("two hook timeouts")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(AgentLab.POLL)
        .until(() -> hookTimeouts(agent.output()).size() >= 2);
    int threadsBefore = ProcessTable.threads(pid);
    long fdsBefore = ProcessTable.descriptors(pid);
    // For 15 s more (about 150 runs): no leftover children, and the instance stays MASTER.
    Awaitility.await("no leftovers while scripts run")
        .during(Duration.ofSeconds(15))
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                leftovers() <= 2
                    && !agent.output().contains("MASTER -> FAULT")
                    && !agent.output().contains("check uplink: UP -> DOWN"));
    System.out.printf(
        "ProcessRunsIT: threads %d -> %d, descriptors %d -> %d, hook timeouts %s ms%n",
        threadsBefore,
        ProcessTable.threads(pid),
        fdsBefore,
        ProcessTable.descriptors(pid),
        hookTimeouts(agent.output()));
    assertThat(ProcessTable.threads(pid)).as("threads").isLessThan(threadsBefore + 10);
    assertThat(ProcessTable.descriptors(pid)).as("open descriptors").isLessThan(fdsBefore + 10);
    String log = agent.output();
    assertThat(log)
        .as("the interface check never failed")
        .doesNotContain("check uplink: UP -> DOWN")
        .doesNotContain("MASTER -> FAULT");
    assertThat(log).as("the script check ran").contains("check leaky: DOWN -> UP");

    // The hook (INIT -> BACKUP, BACKUP -> MASTER) hangs: its 2 s timeout fires at about 2 s.
    List<Long> timeouts = hookTimeouts(log);
    assertThat(timeouts)
        .as(log)
        .isNotEmpty()
        .allSatisfy(ms -> assertThat(ms).isBetween(1_950L, 2_600L));

    // SIGTERM: nothing any run started outlives the daemon.
    lab.terminate(agent);
    Awaitility.await("every run's processes gone")
        .atMost(Duration.ofSeconds(5))
        .until(() -> leftovers() == 0);
  }

  static List<Long> hookTimeouts(String log) {
    Matcher m = Pattern.compile("hook .* timed out after (\\d+) ms \\(timeout 2s\\)").matcher(log);
    List<Long> ms = new ArrayList<>();
    while (m.find()) {
      ms.add(Long.parseLong(m.group(1)));
    }
    return ms;
  }

  static String comm(long pid) throws IOException {
    return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
  }

  static long leftovers() {
    return ProcessTable.running("sleep", MARK);
  }
}
