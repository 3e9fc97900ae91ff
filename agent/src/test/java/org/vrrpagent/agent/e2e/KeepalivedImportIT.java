package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * The migration the importer is for, end to end: a resolver pair in the lab, h1 running Debian's
 * keepalived 2.2.7 with its keepalived.conf, h2 running vrrp-agent with the YAML {@code
 * bin/vrrp-agent import-keepalived} made from h2's keepalived.conf — unedited. Each host runs a
 * real unbound on its loopback; keepalived checks it with its dig vrrp_script, the agent with the
 * native dns check the importer wrote. rdns0 (IPv4, keepalived's default VRRPv2, PASS auth) prefers
 * h1; rdns1 (IPv6, VRRPv3) prefers h2. Through a resolver failure on each side and a crash of the
 * agent, each address settles on exactly one host, and the agent never drops one of keepalived's
 * adverts.
 */
class KeepalivedImportIT {
  static final String VIP4 = "198.18.0.53";
  static final String VIP6 = "fd00:198:18::54";

  /**
   * Detection (fall 2 at 1 s, timeout 1 s) + Master_Down_Interval (≤ 4 s) + a loaded machine's
   * margin.
   */
  static final Duration MOVE = Duration.ofSeconds(3 + 4).plus(FailoverIT.MARGIN);

  static final Duration STABLE = Duration.ofSeconds(3);
  static final Path LAB_CONFS = Path.of("src", "test", "resources", "keepalived-import", "lab");

  AgentLab lab;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(2);
  }

  @AfterEach
  void tearDown() {
    lab.close();
  }

  /**
   * Runs {@code bin/vrrp-agent import-keepalived FILE} (no network: outside the lab) and returns
   * its standard output.
   */
  static String importKeepalived(Path conf) throws IOException, InterruptedException {
    Path out = Files.createTempFile("imported", ".yaml");
    Path err = Files.createTempFile("imported", ".err");
    try {
      Process p =
          new ProcessBuilder(
                  AgentLab.repoRoot().resolve("bin/vrrp-agent").toString(),
                  "import-keepalived",
                  conf.toAbsolutePath().toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("import-keepalived did not finish within 120 s");
      }
      assertThat(p.exitValue()).as(Files.readString(err)).isZero();
      assertThat(Files.readString(err)).as("nothing left untranslated").isEmpty();
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  void awaitStable(String what, int holder4, int holder6, NetnsLab.LabProcess... logs) {
    try {
      // While an address moves both hosts may hold it for a moment (the new master adds it before
      // the old one hears it).
      Awaitility.await(what)
          .atMost(MOVE.plus(STABLE).plus(STABLE))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> lab.holder(VIP4) == holder4 && lab.holder(VIP6) == holder6);
      Awaitility.await(what + ", and stays so")
          .during(STABLE)
          .atMost(STABLE.plus(Duration.ofSeconds(10)))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> lab.holder(VIP4) == holder4 && lab.holder(VIP6) == holder6);
    } catch (org.awaitility.core.ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(what + ": " + e.getMessage() + AgentLab.logs(logs), e);
    }
  }

  @Test
  void
      mixedPair_keepalivedAndTheImportedConfiguration_oneHolderPerAddress_throughResolverFailuresAndACrash()
          throws Exception {
    String yaml = importKeepalived(LAB_CONFS.resolve("h2.conf"));
    // The import is used as it is; these are the facts the pair depends on.
    assertThat(yaml)
        .contains(
            "node: h2",
            "version: 2",
            "version: 3",
            "auth: { type: pass, password: s3cret99 }",
            "dns: { server: \"127.0.0.1\", name: example.org, type: TXT }",
            "- { check: resolver_answers, weight: -100 }");

    NetnsLab.LabProcess unbound1 = Unbound.start(lab.lab, 1, "resolver on h1");
    NetnsLab.LabProcess unbound2 = Unbound.start(lab.lab, 2, "resolver on h2");
    NetnsLab.LabProcess keepalived =
        lab.keepalived(1, Files.readString(LAB_CONFS.resolve("h1.conf")));
    NetnsLab.LabProcess agent = lab.agent(2, yaml);

    awaitStable("rdns0 on h1 (keepalived), rdns1 on h2 (vrrp-agent)", 1, 2, keepalived, agent);

    long t0 = System.nanoTime();
    lab.kill(unbound1);
    long took = lab.awaitAddress(2, VIP4, t0, MOVE, keepalived, agent);
    awaitStable("h1's resolver stopped: rdns0 moves to h2", 2, 2, keepalived, agent);
    System.out.printf(
        "MEASURED mixed pair, keepalived's resolver stopped -> rdns0 on vrrp-agent: %d ms%n", took);
    unbound1 = Unbound.start(lab.lab, 1, "resolver on h1");
    awaitStable(
        "h1's resolver back: rdns0 returns to h1 (keepalived preempts)", 1, 2, keepalived, agent);

    t0 = System.nanoTime();
    lab.kill(unbound2);
    took = lab.awaitAddress(1, VIP6, t0, MOVE, keepalived, agent);
    awaitStable("h2's resolver stopped: rdns1 moves to h1", 1, 1, keepalived, agent);
    System.out.printf(
        "MEASURED mixed pair, vrrp-agent's resolver stopped -> rdns1 on keepalived: %d ms%n", took);
    assertThat(agent.output()).contains("(check resolver_answers failed: DNS 127.0.0.1");
    unbound2 = Unbound.start(lab.lab, 2, "resolver on h2");
    awaitStable(
        "h2's resolver back: rdns1 returns to h2 (the agent preempts)", 1, 2, keepalived, agent);

    assertThat(agent.output())
        .as(AgentLab.logs(agent))
        // Adverts that arrive while the daemon starts are dropped as not_running; any other drop
        // (version, auth) is a bug.
        .doesNotContainPattern("dropped a packet \\((?!not_running)");
    assertThat(keepalived.output())
        .as(AgentLab.logs(keepalived))
        .doesNotContainIgnoringCase("wrong version")
        .doesNotContain("Entering FAULT STATE");

    // kill -9: nothing of the agent's runs any more; keepalived takes rdns1 after its
    // Master_Down_Interval.
    t0 = System.nanoTime();
    lab.kill(agent);
    took =
        lab.awaitAddress(
            1,
            VIP6,
            t0,
            Duration.ofMillis(LabConfigs.masterDownMillis(100)).plus(FailoverIT.MARGIN),
            keepalived,
            agent);
    System.out.printf(
        "MEASURED mixed pair, vrrp-agent killed -> rdns1 on keepalived: %d ms (Master_Down_Interval %d ms)%n",
        took, LabConfigs.masterDownMillis(100));
    assertThat(lab.hasAddress(1, VIP4)).isTrue();
    // The killed agent's address is still configured on h2's eth0 (the kernel keeps it;
    // keepalived's would too).
    // Restarting the agent removes it before anything else, then the election gives rdns1 back to
    // h2.
    NetnsLab.LabProcess again = lab.agent(2, yaml);
    awaitStable(
        "the agent restarted: its leftover address removed, rdns1 back on h2",
        1,
        2,
        keepalived,
        again);
    assertThat(again.output())
        .as(AgentLab.logs(again))
        .doesNotContainPattern("dropped a packet \\((?!not_running)");
  }
}
