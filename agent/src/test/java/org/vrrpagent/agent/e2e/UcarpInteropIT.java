package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * CARP against Debian's ucarp 1.5.2 in the netns lab (docs/carp.md). ucarp only runs its up/down
 * scripts; the ones here add and remove the address in ucarp's namespace. Timings: at advbase 1 s a
 * backup declares the master down after {@code 3 + advskew/256} s; a bow-out hands over at once.
 * ucarp runs its timers from its capture loop, which wakes about once a second when idle, so its
 * takeovers come up to about a second after the formula says.
 */
class UcarpInteropIT {
  static final Duration MARGIN = FailoverIT.MARGIN;
  static final Duration ELECTION = FailoverIT.ELECTION;
  static final String VIP = "198.18.0.110";
  static final int VHID = 60;

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(2);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  /** Milliseconds ucarp or the agent waits for a silent master: 3 × advbase + advskew/256 s. */
  static long masterDownMillis(int advskew) {
    return 3000 + advskew * 1000L / 256;
  }

  static String agent(String node, int advskew, boolean preempt, String password) {
    return """
        node: %s
        instances:
          ns:
            protocol: carp
            interface: eth0
            vhid: %d
            advbase: 1s
            advskew: %d
            password: %s
            preempt: %s
            addresses: [%s/24]
        """
        .formatted(node, VHID, advskew, password, preempt, VIP);
  }

  /** ucarp in {@code host} with scripts that add and remove the address there. */
  NetnsLab.LabProcess ucarp(int host, int advskew, boolean preempt) {
    Path up =
        lab.write(
            "ucarp-up-h" + host + ".sh", "#!/bin/sh\nexec ip addr add \"$2\"/24 dev \"$1\"\n");
    Path down =
        lab.write(
            "ucarp-down-h" + host + ".sh", "#!/bin/sh\nexec ip addr del \"$2\"/24 dev \"$1\"\n");
    up.toFile().setExecutable(true);
    down.toFile().setExecutable(true);
    List<String> argv =
        new ArrayList<>(
            List.of(
                "/usr/sbin/ucarp",
                "--interface=eth0",
                "--srcip=" + lab.lab.ipv4(host).getHostAddress(),
                "--vhid=" + VHID,
                "--pass=secret",
                "--addr=" + VIP,
                "--advbase=1",
                "--advskew=" + advskew,
                "--upscript=" + up,
                "--downscript=" + down,
                "--shutdown",
                "--neutral"));
    if (preempt) {
      argv.add("--preempt");
    }
    return lab.lab.start(host, argv.toArray(String[]::new));
  }

  private void stays(int host, Duration during, NetnsLab.LabProcess... logs) {
    Awaitility.await(VIP + " stays on host " + host)
        .during(during)
        .atMost(during.plusSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP) == host);
  }

  @Test
  void ucarpMaster_agentWithShorterIntervalAndPreemptTakesOver_thenKill9_ucarpTakesBack() {
    NetnsLab.LabProcess ucarp = ucarp(1, 100, false);
    lab.awaitAddress(1, VIP, System.nanoTime(), ELECTION, ucarp);

    NetnsLab.LabProcess agent = lab.agent(2, agent("h2", 0, true, "secret"));
    lab.awaitLog(agent, "ns: INIT -> BACKUP", ELECTION);
    long t0 = System.nanoTime();
    // The agent hears ucarp's advert (1 + 100/256 s) and preempts it: ucarp steps down.
    long took = lab.awaitAddress(2, VIP, t0, Duration.ofMillis(1400).plus(MARGIN), agent, ucarp);
    lab.awaitNoAddress(1, VIP, Duration.ofSeconds(3), ucarp, agent);
    stays(2, Duration.ofSeconds(4), agent, ucarp);
    assertThat(agent.output()).as(AgentLab.logs(agent)).contains("ns: BACKUP -> MASTER (preempt");
    System.out.printf("MEASURED CARP preempt ucarp -> vrrp-agent: %d ms after BACKUP%n", took);

    // The agent's adverts leave from CARP's virtual MAC 00:00:5e:00:00:VHID, as ucarp's do.
    String frame =
        lab.lab.execChecked(
            1,
            "timeout",
            "10",
            "tcpdump",
            "-i",
            "eth0",
            "-e",
            "-n",
            "-c",
            "1",
            "ip proto 112 and src host " + lab.lab.ipv4(2).getHostAddress());
    assertThat(frame).contains("00:00:5e:00:00:3c >");

    long t1 = System.nanoTime();
    lab.kill(agent);
    // "About 3 intervals": ucarp 1.5.2 was seen to take 4.2..4.8 s here at advskew 100 (3 ×
    // advbase + advskew/256 = 3.4 s; 3 × (advbase + advskew/256) = 4.2 s, plus its capture loop's
    // wake-up), so 3 full intervals, one more, and the margin.
    long back =
        lab.awaitAddress(1, VIP, t1, Duration.ofMillis(3 * 1390 + 1000).plus(MARGIN), ucarp, agent);
    System.out.printf(
        "MEASURED CARP kill -9 vrrp-agent -> ucarp: %d ms (3 × advbase + skew: %d ms)%n",
        back, masterDownMillis(100));
  }

  @Test
  void agentWithLongerInterval_staysBackup() {
    NetnsLab.LabProcess ucarp = ucarp(1, 0, false);
    lab.awaitAddress(1, VIP, System.nanoTime(), ELECTION, ucarp);
    NetnsLab.LabProcess agent = lab.agent(2, agent("h2", 100, true, "secret"));
    lab.awaitLog(agent, "ns: INIT -> BACKUP", ELECTION);
    stays(1, Duration.ofMillis(2 * masterDownMillis(100)), agent, ucarp);
    assertThat(agent.output())
        .as(AgentLab.logs(agent))
        .doesNotContain("-> MASTER")
        .doesNotContainPattern("dropped a packet \\((?!not_running)");
  }

  @Test
  void wrongPassphrase_neverDisturbsUcarp() {
    NetnsLab.LabProcess ucarp = ucarp(1, 100, false);
    lab.awaitAddress(1, VIP, System.nanoTime(), ELECTION, ucarp);
    String before = ucarp.output();
    // It would preempt ucarp (advskew 0 against 100) if its adverts counted.
    NetnsLab.LabProcess agent = lab.agent(2, agent("h2", 0, true, "wrong"));
    lab.awaitLog(agent, "ns: INIT -> BACKUP", ELECTION);
    // ucarp drops the agent's adverts (bad digest) and keeps its address, whatever the agent does.
    Awaitility.await("ucarp keeps " + VIP)
        .during(Duration.ofMillis(2 * masterDownMillis(0)))
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.hasAddress(1, VIP));
    assertThat(ucarp.output().substring(before.length()))
        .as(AgentLab.logs(ucarp))
        .doesNotContain("BACKUP");
    // The agent drops ucarp's adverts, counts them and raises the conflict alarm.
    lab.awaitLog(agent, "CONFLICT with " + lab.lab.ipv4(1).getHostAddress(), ELECTION);
  }

  @Test
  void sigtermBowOut_handsOverToPreemptingUcarpWithinAboutOneInterval() {
    NetnsLab.LabProcess agent = lab.agent(1, agent("h1", 0, false, "secret"));
    lab.awaitAddress(1, VIP, System.nanoTime(), ELECTION, agent);
    NetnsLab.LabProcess ucarp = ucarp(2, 100, true);
    stays(1, Duration.ofMillis(masterDownMillis(100) + 500), agent, ucarp);

    long t0 = System.nanoTime();
    assertThat(lab.terminate(agent)).isZero();
    long took = lab.awaitAddress(2, VIP, t0, Duration.ofSeconds(1).plus(MARGIN), ucarp, agent);
    assertThat(lab.hasAddress(1, VIP)).isFalse();
    System.out.printf("MEASURED CARP SIGTERM bow-out vrrp-agent -> ucarp: %d ms%n", took);
  }
}
