package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.H1;
import static org.vrrpagent.agent.e2e.LabConfigs.H2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * The zone-file action against real nsd: two nodes, each with its own nsd and its own copy of the
 * zone (as two nsd masters at two providers run), each running vrrp-agent with {@code addresses:
 * []}. After a change of master both zones name the new master and standby, serials only go up, a
 * node whose zone is already right rewrites nothing, and a reload that fails puts the original back
 * byte for byte and reloads it.
 */
class GeoZoneFileIT {
  static final Duration ELECTION = FailoverIT.ELECTION;
  static final Duration ACT = Duration.ofSeconds(30);

  static final String ZONE =
      """
      $ORIGIN example.org.
      $TTL 3600
      @       IN SOA  ns1.example.org. hostmaster.example.org. (
                      2026010101 ; serial
                      3600 900 1209600 60 )
              IN NS   ns1.example.org.
      ns1     IN A    198.18.0.11
      www     60 IN A     198.18.0.11     ; failover
      www     60 IN AAAA  fd00:198:18::11 ; failover
      standby 60 IN A     198.18.0.12     ; failover standby
      """;

  @AutoClose final AgentLab lab = AgentLab.create(2);

  String config(int host, int priority, Nsd nsd, String reload) {
    return """
        node: h%d
        instances:
          www:
            interface: eth0
            vrid: 10
            priority: %d
            advert-interval: 1s
            addresses: []
            hosts:
              h1: { A: 198.18.0.11, AAAA: "fd00:198:18::11", vrrp: 198.18.0.11 }
              h2: { A: 198.18.0.12, AAAA: "fd00:198:18::12", vrrp: 198.18.0.12 }
            actions:
              - zone-file:
                  path: %s
                  marker: "; failover"
                  reload: %s
                  reload-timeout: 10s
                  verify: { server: 127.0.0.1, name: www.example.org, type: A }
        notify:
          events: { log: %s }
        """
        .formatted(host, priority, nsd.zoneFile, reload, events(host));
  }

  Path events(int host) {
    return lab.lab.workDir().resolve("events-h" + host + ".jsonl");
  }

  String eventsOf(int host) {
    try {
      return Files.exists(events(host)) ? Files.readString(events(host)) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long serial(Path zone) {
    try {
      Matcher m = Pattern.compile("\\(\\s*([0-9]+)").matcher(Files.readString(zone));
      assertThat(m.find()).isTrue();
      return Long.parseLong(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void awaitAnswer(Nsd nsd, int host, String name, String type, String want) {
    try {
      Awaitility.await(name + " " + type + " = " + want + " at nsd on h" + host)
          .atMost(ACT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> nsd.answer(lab.lab, host, name, type).equals(want));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + " (it says "
              + nsd.answer(lab.lab, host, name, type)
              + ")"
              + AgentLab.logs(lab.agents()),
          e);
    }
  }

  @Test
  void afterAFailoverBothZonesNameTheNewMasterAndSerialsOnlyGoUp() throws Exception {
    Nsd nsd1 = Nsd.start(lab.lab, 1, ZONE);
    Nsd nsd2 = Nsd.start(lab.lab, 2, ZONE);
    NetnsLab.LabProcess h1 = lab.agent(1, config(1, 200, nsd1, nsd1.reloadArgv()));
    lab.awaitLog(h1, "www: INIT -> BACKUP", ELECTION);
    NetnsLab.LabProcess h2 = lab.agent(2, config(2, 100, nsd2, nsd2.reloadArgv()));
    lab.awaitLog(h1, "BACKUP -> MASTER", ELECTION);
    lab.awaitLog(h2, "www: INIT -> BACKUP", ELECTION);

    // Both zones already name h1 as master: nothing is rewritten, no serial bump, no reload.
    lab.awaitLog(h1, "zone-file " + nsd1.zoneFile + " unchanged (master h1, standby h2)", ACT);
    lab.awaitLog(h2, "zone-file " + nsd2.zoneFile + " unchanged (master h1, standby h2)", ACT);
    assertThat(Files.readString(nsd1.zoneFile)).isEqualTo(ZONE);
    assertThat(Files.readString(nsd2.zoneFile)).isEqualTo(ZONE);
    assertThat(Files.readString(nsd1.dir.resolve("nsd.log"))).doesNotContain("reload");
    assertThat(Files.readString(nsd2.dir.resolve("nsd.log"))).doesNotContain("reload");

    // The operator hands over: h1 demotes itself, h2 takes over; both rewrite their zones.
    lab.cliOk(1, "demote", "www", "--to-backup");
    lab.awaitLog(h2, "BACKUP -> MASTER", ELECTION);
    for (int h = 1; h <= 2; h++) {
      Nsd nsd = h == 1 ? nsd1 : nsd2;
      awaitAnswer(nsd, h, "www.example.org", "A", H2);
      awaitAnswer(nsd, h, "www.example.org", "AAAA", "fd00:198:18::12");
      awaitAnswer(nsd, h, "standby.example.org", "A", H1);
      assertThat(serial(nsd.zoneFile)).isGreaterThan(2026010101L);
      assertThat(Files.readString(nsd.zoneFile))
          .isEqualTo(
              ZONE.replace("www     60 IN A     198.18.0.11", "www     60 IN A     198.18.0.12")
                  .replace("fd00:198:18::11 ;", "fd00:198:18::12 ;")
                  .replace("standby 60 IN A     198.18.0.12", "standby 60 IN A     198.18.0.11")
                  .replace("2026010101", Long.toString(serial(nsd.zoneFile))));
    }
    lab.awaitLog(h2, "changed (master h2, standby h1)", ACT);
    lab.awaitLog(h1, "changed (master h2, standby h1)", ACT);
    long after = serial(nsd1.zoneFile);

    // Back: h1 promoted again; serials go up again, never back.
    lab.cliOk(1, "promote", "www");
    for (int h = 1; h <= 2; h++) {
      Nsd nsd = h == 1 ? nsd1 : nsd2;
      awaitAnswer(nsd, h, "www.example.org", "A", H1);
      awaitAnswer(nsd, h, "standby.example.org", "A", H2);
      assertThat(serial(nsd.zoneFile)).isGreaterThan(after);
    }
    // Evented: the event log says what happened, as JSON lines.
    Awaitility.await("events written")
        .atMost(ACT)
        .until(() -> eventsOf(2).contains("\"type\":\"ACTION\""));
    assertThat(eventsOf(2))
        .contains("\"action\":\"zone-file\"")
        .contains("\"result\":\"changed\"")
        .contains("\"result\":\"unchanged\"");
    assertThat(h1.output()).doesNotContain("Exception");
    assertThat(h2.output()).doesNotContain("Exception");
  }

  @Test
  void aFailingReloadRestoresTheOriginalByteForByteReloadsAndReports() throws Exception {
    Nsd nsd2 = Nsd.start(lab.lab, 2, ZONE);
    // A reload command that fails once (as a broken zone would), then works.
    Path failOnce = lab.lab.workDir().resolve("fail-once");
    Files.writeString(failOnce, "");
    Path script =
        lab.write(
            "reload-h2.sh",
            "#!/bin/sh\nif [ -e "
                + failOnce
                + " ]; then rm "
                + failOnce
                + "; echo 'error: zone example.org broken' >&2; exit 1; fi\nexec /usr/sbin/nsd-control -c "
                + nsd2.conf
                + " reload example.org\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    byte[] original = Files.readAllBytes(nsd2.zoneFile);
    // h2 alone: it becomes master and must rewrite its zone to name itself.
    NetnsLab.LabProcess h2 = lab.agent(2, config(2, 100, nsd2, "[" + script + "]"));
    lab.awaitLog(h2, "BACKUP -> MASTER", ELECTION);
    lab.awaitLog(h2, "restored (master h2, standby h1)", ACT);
    assertThat(h2.output())
        .contains("exited with 1")
        .contains("zone example.org broken")
        .contains("original restored byte for byte (serial 2026010101) and reloaded");
    assertThat(Files.readAllBytes(nsd2.zoneFile)).isEqualTo(original);
    assertThat(nsd2.answer(lab.lab, 2, "www.example.org", "A")).isEqualTo(H1);
    assertThat(Files.readString(nsd2.dir.resolve("nsd.log"))).contains("reload example.org");
    Awaitility.await("the event says restored")
        .atMost(ACT)
        .until(() -> eventsOf(2).contains("\"result\":\"restored\""));
  }
}
