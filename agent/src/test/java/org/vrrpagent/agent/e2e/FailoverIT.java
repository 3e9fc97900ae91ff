package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP6;
import static org.vrrpagent.agent.e2e.LabConfigs.agent;
import static org.vrrpagent.agent.e2e.LabConfigs.masterDownMillis;
import static org.vrrpagent.agent.e2e.LabConfigs.skewMillis;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.bench.FailoverBench;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.CommandRunner;

/**
 * vrrp-agent daemons in network namespaces on one bridge: election, failover on a crash and on a
 * clean stop, preemption, IPv6, unicast. Host 3 is a client whose neighbour table shows where the
 * virtual address lives.
 *
 * <p>Time margins: the lab polls every 20 ms, each poll forks {@code ip}, and the JVM's timers run
 * on a shared 2-core machine: a takeover is allowed {@link #MARGIN} beyond the RFC time.
 */
class FailoverIT {
  /** What a takeover may take beyond its RFC time (polling, process start-up of ip, scheduling). */
  static final Duration MARGIN = Duration.ofMillis(1000);

  /** A daemon's start-up (JVM, sockets) plus one election. */
  static final Duration ELECTION = Duration.ofSeconds(15);

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(3);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  /**
   * Starts h2 (priority 200), and h1 (priority 100) once h2 runs, and waits until h2 holds the
   * address. (Started the other way round, h1's shorter JVM start could make it master for a moment
   * before h2's first advert: correct VRRP, but not what these tests look at.)
   */
  NetnsLab.LabProcess[] electH2(String address, String extra) {
    NetnsLab.LabProcess h2 =
        lab.agent(2, agent("h2", 51, 200, address + "/" + prefix(address), extra));
    lab.awaitLog(h2, "dns0: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h1 =
        lab.agent(1, agent("h1", 51, 100, address + "/" + prefix(address), extra));
    lab.awaitAddress(2, address, System.nanoTime(), ELECTION, h1, h2);
    lab.awaitLog(h1, "dns0: INIT -> BACKUP", ELECTION);
    Awaitility.await("only h2 holds " + address)
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(address) == 2);
    return new NetnsLab.LabProcess[] {h1, h2};
  }

  static int prefix(String address) {
    return address.contains(":") ? 64 : 24;
  }

  @Test
  @DisplayName("two agents elect the higher priority, and the address is on exactly that host")
  void twoAgentsElectTheHigherPriority() {
    NetnsLab.LabProcess[] p = electH2(VIP4, "");
    assertThat(p[0].output()).doesNotContain("-> MASTER");
    assertThat(p[1].output())
        .contains("dns0: BACKUP -> MASTER (master down timer expired, prio 200)");
  }

  @Test
  @DisplayName(
      "kill -9 of the master: the backup holds the address within Master_Down_Interval, and gratuitous ARP moves the client")
  void crashedMasterIsReplacedWithinMasterDownInterval() {
    NetnsLab.LabProcess[] p = electH2(VIP4, "");
    lab.touch(3, VIP4);
    Awaitility.await("client's neighbour entry for the VIP")
        .atMost(Duration.ofSeconds(5))
        .until(() -> lab.neighbourMac(3, VIP4).equals(lab.lab.mac(2)));

    long t0 = System.nanoTime();
    lab.kill(p[1]);
    long took =
        lab.awaitAddress(1, VIP4, t0, Duration.ofMillis(masterDownMillis(100)).plus(MARGIN), p[0]);
    System.out.printf(
        "MEASURED crash failover (vrrp-agent -> vrrp-agent, 1 s adverts): %d ms (Master_Down_Interval %d ms)%n",
        took, masterDownMillis(100));
    assertThat(p[0].output())
        .contains("dns0: BACKUP -> MASTER (master down timer expired, prio 100)");
    // The new master says how late its takeover advert was (bounded loosely: a loaded host).
    Awaitility.await("the takeover's lateness in h1's log")
        .atMost(Duration.ofSeconds(3))
        .pollInterval(AgentLab.POLL)
        .until(() -> p[0].output().contains("dns0: takeover advert sent "));
    assertThat(FailoverBench.loggedLatenessMillis(p[0].output())).isBetween(0.0, 1000.0);
    Awaitility.await("client's neighbour entry now names h1's MAC")
        .atMost(Duration.ofSeconds(3))
        .pollInterval(AgentLab.POLL)
        .until(() -> lab.neighbourMac(3, VIP4).equals(lab.lab.mac(1)));
  }

  @Test
  @DisplayName(
      "SIGTERM of the master: priority 0 advert, address released, exit 0, takeover within Skew_Time")
  void stoppedMasterHandsOverWithinSkewTime() {
    NetnsLab.LabProcess[] p = electH2(VIP4, "");
    long t0 = System.nanoTime();
    int status = lab.terminate(p[1]);
    assertThat(status).as("exit status" + AgentLab.logs(p[1])).isZero();
    assertThat(lab.hasAddress(2, VIP4)).as("the stopped master released the address").isFalse();
    long took =
        lab.awaitAddress(1, VIP4, t0, Duration.ofMillis(skewMillis(100)).plus(MARGIN), p[0]);
    System.out.printf(
        "MEASURED graceful handover (vrrp-agent -> vrrp-agent): %d ms (Skew_Time %d ms)%n",
        took, skewMillis(100));
    assertThat(p[0].output()).contains("(priority 0), skew time expired");
    assertThat(p[1].output()).contains("dns0: MASTER -> INIT (shutdown");
  }

  @Test
  @DisplayName(
      "the old master comes back with the higher priority and preempts; with preempt: false it does not")
  void returningMasterPreemptsOnlyWithPreempt() {
    NetnsLab.LabProcess[] p = electH2(VIP4, "");
    lab.kill(p[1]);
    lab.awaitAddress(1, VIP4, System.nanoTime(), ELECTION, p[0]);

    NetnsLab.LabProcess back = lab.agent(2, agent("h2", 200, VIP4 + "/24"));
    // The killed h2 left the address on host 2: only the new agent's takeover counts.
    lab.awaitLog(back, "dns0: BACKUP -> MASTER", ELECTION);
    lab.awaitAddress(2, VIP4, System.nanoTime(), ELECTION, back, p[0]);
    lab.awaitNoAddress(1, VIP4, Duration.ofSeconds(5), p[0]);
    lab.kill(back);
    lab.awaitAddress(1, VIP4, System.nanoTime(), ELECTION, p[0]);

    NetnsLab.LabProcess polite = lab.agent(2, agent("h2", 51, 200, VIP4 + "/24", "preempt: false"));
    lab.awaitLog(polite, "dns0: INIT -> BACKUP", ELECTION);
    Awaitility.await("h1 keeps the address")
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP4) == 1);
    assertThat(polite.output()).doesNotContain("-> MASTER");
  }

  @Test
  @DisplayName(
      "IPv6: election, crash failover within Master_Down_Interval, unsolicited NA moves the client")
  void ipv6ElectionAndFailover() {
    NetnsLab.LabProcess[] p = electH2(VIP6, "");
    lab.touch(3, VIP6);
    Awaitility.await("client's neighbour entry for the IPv6 VIP")
        .atMost(Duration.ofSeconds(5))
        .until(() -> lab.neighbourMac(3, VIP6).equals(lab.lab.mac(2)));
    long t0 = System.nanoTime();
    lab.kill(p[1]);
    long took =
        lab.awaitAddress(1, VIP6, t0, Duration.ofMillis(masterDownMillis(100)).plus(MARGIN), p[0]);
    System.out.printf("MEASURED crash failover IPv6 (vrrp-agent -> vrrp-agent): %d ms%n", took);
    Awaitility.await("client's neighbour entry now names h1's MAC")
        .atMost(Duration.ofSeconds(3))
        .pollInterval(AgentLab.POLL)
        .until(() -> lab.neighbourMac(3, VIP6).equals(lab.lab.mac(1)));
  }

  @Test
  @DisplayName("unicast mode: two agents elect and fail over with adverts sent only to each other")
  void unicastElectionAndFailover() {
    NetnsLab.LabProcess h2 =
        lab.agent(2, agent("h2", 51, 200, VIP4 + "/24", "unicast-peers: [198.18.0.11]"));
    NetnsLab.LabProcess h1 =
        lab.agent(1, agent("h1", 51, 100, VIP4 + "/24", "unicast-peers: [198.18.0.12]"));
    lab.awaitAddress(2, VIP4, System.nanoTime(), ELECTION, h1, h2);
    Awaitility.await("only h2 holds the VIP")
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> lab.holder(VIP4) == 2);
    // For 3 s (two or three 1 s adverts), every VRRP packet that reaches h1: the master's
    // adverts come addressed to h1, and none goes to the VRRP group (the bridge floods the
    // link-local group to every port, so h1 would see those too). The unicast adverts on the same
    // capture prove it was listening.
    CommandRunner.Result atH1 =
        lab.lab.exec(1, "timeout", "3", "tcpdump", "-i", "eth0", "-n", "-l", "ip proto 112");
    assertThat(atH1.stderr()).as("tcpdump on h1").contains("listening on eth0");
    assertThat(atH1.stdout().lines().filter(l -> !l.isBlank()).toList())
        .as("VRRP packets at h1")
        .isNotEmpty()
        .allMatch(l -> l.contains("198.18.0.12 > 198.18.0.11: VRRPv3"));
    // ... and h3, a third host on the link, sees none sent to the group either (its capture
    // confirmed open: tcpdump says "listening on" once it is).
    CommandRunner.Result atH3 =
        lab.lab.exec(
            3,
            "timeout",
            "3",
            "tcpdump",
            "-i",
            "eth0",
            "-n",
            "-l",
            "ip proto 112 and dst host 224.0.0.18");
    assertThat(atH3.stderr()).as("tcpdump on h3").contains("listening on eth0");
    assertThat(atH3.stdout()).doesNotContain("VRRP");
    long t0 = System.nanoTime();
    lab.kill(h2);
    lab.awaitAddress(1, VIP4, t0, Duration.ofMillis(masterDownMillis(100)).plus(MARGIN), h1);
  }

  /** Thread name → real-time priority (0: not real-time) of every thread of {@code p}'s JVM. */
  static java.util.Map<String, Integer> realtimePriorities(NetnsLab.LabProcess p) {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    java.util.List<Long> pids = new java.util.ArrayList<>(java.util.List.of(p.pid()));
    p.process().descendants().forEach(h -> pids.add(h.pid()));
    for (long pid : pids) {
      java.nio.file.Path tasks = java.nio.file.Path.of("/proc/" + pid + "/task");
      try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(tasks)) {
        for (java.nio.file.Path t : s.toList()) {
          String stat = java.nio.file.Files.readString(t.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
          out.merge(comm, Integer.parseInt(f[40 - 3]), Math::max); // field 40: rt_priority
        }
      } catch (java.io.IOException | RuntimeException e) {
        // the process (or a thread) ended meanwhile: what was read stands
      }
    }
    return out;
  }

  @Test
  @DisplayName(
      "engine-priority realtime: the engine and VRRP receive threads run SCHED_RR, no other thread does, and a crash failover holds")
  void enginePriorityRealtimeReachesTheVrrpThreads() {
    String realtime = "engine-priority: { realtime: 10 }\n";
    NetnsLab.LabProcess h2 = lab.agent(2, agent("h2", 51, 200, VIP4 + "/24", "") + realtime);
    lab.awaitLog(h2, "dns0: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h1 = lab.agent(1, agent("h1", 51, 100, VIP4 + "/24", "") + realtime);
    lab.awaitAddress(2, VIP4, System.nanoTime(), ELECTION, h1, h2);
    lab.awaitLog(h1, "dns0: INIT -> BACKUP", ELECTION);
    lab.awaitLog(h1, "runs at engine-priority realtime 10 (SCHED_RR)", ELECTION);
    java.util.Map<String, Integer> threads = realtimePriorities(h1);
    assertThat(threads).containsEntry("vrrp-engine", 10).containsEntry("vrrp-rx-eth0-v4", 10);
    assertThat(threads)
        .as("every other thread")
        .allSatisfy(
            (name, rt) -> {
              if (!name.equals("vrrp-engine") && !name.startsWith("vrrp-rx-")) {
                assertThat(rt).as(name).isZero();
              }
            });
    assertThat(h1.output())
        .contains("engine thread vrrp-engine (tid ")
        .contains("receive thread vrrp-rx-eth0-v4 (tid ");

    long t0 = System.nanoTime();
    lab.kill(h2);
    lab.awaitAddress(1, VIP4, t0, Duration.ofMillis(masterDownMillis(100)).plus(MARGIN), h1);
  }
}
