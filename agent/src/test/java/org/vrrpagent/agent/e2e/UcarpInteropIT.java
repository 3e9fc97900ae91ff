package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
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

  @AutoClose final AgentLab lab = AgentLab.create(2);

  /** Milliseconds ucarp or the agent waits for a silent master: 3 × advbase + advskew/256 s. */
  static long masterDownMillis(int advskew) {
    return 3000 + advskew * 1000L / 256;
  }

  static String agent(String node, int advskew, boolean preempt, String password) {
    return LabConfigs.carp(node, "ns", VHID, advskew, preempt, password, VIP + "/24");
  }

  /** ucarp in {@code host} with scripts that add and remove the address there. */
  NetnsLab.LabProcess ucarp(int host, int advskew, boolean preempt) {
    return lab.ucarp(host, VHID, "secret", VIP, advskew, preempt);
  }

  /**
   * The CARP message (36 bytes) of the next advert from {@code fromHost}, as host {@code onHost}
   * sees it on the wire (tcpdump's hex dump, the 20-byte IPv4 header skipped).
   */
  private byte[] nextAdvert(int onHost, int fromHost) {
    String dump =
        lab.captureOne(
            onHost, "ip proto 112 and src host " + lab.lab.ipv4(fromHost).getHostAddress(), "-x");
    byte[] ip = AgentLab.hexDump(dump);
    assertThat(ip.length).as(dump).isEqualTo(20 + 36);
    return java.util.Arrays.copyOfRange(ip, 20, ip.length);
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
        lab.captureOne(1, "ip proto 112 and src host " + lab.lab.ipv4(2).getHostAddress(), "-e");
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

  /**
   * {@code demote --to-backup} on a CARP master advertises advskew 254 (OpenBSD's maintenance
   * habit) with demote 1 (carp(4)'s counter). ucarp ignores the demote byte: without {@code -P} it
   * stays backup (an OpenBSD peer would take over); with {@code -P} it preempts on the skew.
   */
  @Test
  void demoteToBackup_advertisesAdvskew254AndDemote1_ucarpIgnoresDemoteButPreemptsOnTheSkew() {
    NetnsLab.LabProcess agent = lab.agent(1, agent("h1", 0, false, "secret"));
    lab.awaitAddress(1, VIP, System.nanoTime(), ELECTION, agent);
    NetnsLab.LabProcess ucarp = ucarp(2, 100, false);
    stays(1, Duration.ofMillis(masterDownMillis(100) + 500), agent, ucarp);
    byte[] healthy = nextAdvert(2, 1);
    assertThat(healthy[2] & 0xff).as("advskew").isZero();
    assertThat(healthy[4] & 0xff).as("demote").isZero();

    assertThat(lab.cliOk(1, "demote", "ns", "--to-backup")).contains("ns");
    byte[] demoted = nextAdvert(2, 1);
    assertThat(demoted[2] & 0xff).as("advskew").isEqualTo(254);
    assertThat(demoted[4] & 0xff).as("demote").isEqualTo(1);
    assertThat(lab.cliOk(1, "status")).contains("carp advskew 254 demote 1");
    // ucarp without preempt ignores both: the agent keeps advertising, ucarp stays backup.
    stays(1, Duration.ofMillis(masterDownMillis(100) + 1000), agent, ucarp);

    // ucarp with -P preempts the advskew-254 master at its next advert.
    lab.kill(ucarp);
    NetnsLab.LabProcess preempting = ucarp(2, 100, true);
    long t0 = System.nanoTime();
    long took =
        lab.awaitAddress(
            2, VIP, t0, Duration.ofMillis(masterDownMillis(100) + 2000).plus(MARGIN), preempting);
    lab.awaitNoAddress(1, VIP, Duration.ofSeconds(3), agent, preempting);
    assertThat(agent.output()).as(AgentLab.logs(agent)).contains("ns: MASTER -> BACKUP");
    System.out.printf("MEASURED CARP demote --to-backup -> preempting ucarp: %d ms%n", took);

    // promote: back to advskew 0 and demote 0; without preempt the agent stays backup.
    lab.cliOk(1, "promote", "ns");
    stays(2, Duration.ofMillis(masterDownMillis(0) + 1000), agent, preempting);
  }

  /**
   * {@code password-file} is re-read at a reload: a changed passphrase applies without a restart
   * (the instance is rebuilt with it, as a changed VRRP auth password rebuilds a VRRP instance); a
   * file that cannot be read refuses the reload and the last good passphrase stays in force.
   */
  @Test
  void passwordFile_changedAppliesAtReload_unreadableKeepsTheLastGoodOne() throws Exception {
    NetnsLab.LabProcess ucarp = ucarp(1, 100, false);
    lab.awaitAddress(1, VIP, System.nanoTime(), ELECTION, ucarp);
    Path passwordFile = lab.write("carp-h2.pass", "wrong\n");
    String config =
        agent("h2", 0, true, "unused")
            .replace("password: unused", "password-file: " + passwordFile);
    NetnsLab.LabProcess agent = lab.agent(2, config);
    // With the wrong passphrase each side drops the other's adverts: the agent raises the alarm.
    String ucarpAddress = lab.lab.ipv4(1).getHostAddress();
    lab.awaitLog(agent, "ns: CONFLICT with " + ucarpAddress, Duration.ofSeconds(15));

    java.nio.file.Files.writeString(passwordFile, "secret\n");
    var reload = lab.cli(2, "reload");
    assertThat(reload.succeeded()).as(reload.describeFailure() + AgentLab.logs(agent)).isTrue();
    // The new passphrase verifies: the agent (advskew 0, preempt) preempts ucarp (advskew 100),
    // and ucarp, which now verifies the agent's adverts, steps down and drops the address.
    long t0 = System.nanoTime();
    lab.awaitNoAddress(1, VIP, Duration.ofSeconds(8).plus(MARGIN), ucarp, agent);
    lab.awaitAddress(2, VIP, t0, Duration.ofSeconds(8).plus(MARGIN), agent, ucarp);
    stays(2, Duration.ofMillis(masterDownMillis(100)), agent, ucarp);
    int conflictsBefore = agent.output().split("WARN  ns: CONFLICT with", -1).length;

    // An unreadable file: the reload is refused, says why, and the passphrase in force stays.
    java.nio.file.Files.delete(passwordFile);
    var refused = lab.cli(2, "reload");
    assertThat(refused.succeeded()).isFalse();
    assertThat(refused.stdout() + refused.stderr())
        .contains(passwordFile.toString())
        .contains("missing or unreadable")
        .contains("the running one is kept");
    lab.awaitLog(agent, "reload refused", Duration.ofSeconds(5));
    stays(2, Duration.ofMillis(masterDownMillis(100) + 1000), agent, ucarp);
    assertThat(agent.output().split("WARN  ns: CONFLICT with", -1).length)
        .as("no new conflict: the last good passphrase still verifies ucarp's adverts")
        .isEqualTo(conflictsBefore);
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
