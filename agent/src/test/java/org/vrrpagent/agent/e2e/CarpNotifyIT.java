package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Notifications of a CARP instance are those of a VRRP one (docs/carp.md): a transition runs the
 * hook with the instance, state and priority and sends mail (GreenMail in host 3), and a peer with
 * a wrong passphrase (Debian's ucarp in host 2, which then holds the address too) raises the
 * conflict alarm once per episode — log, status, {@code vrrp_conflict}, a CONFLICT event, one mail
 * — while its adverts are dropped and counted as {@code auth} and our state never changes.
 */
class CarpNotifyIT {
  static final String VIP = "198.18.0.110";

  /** 3 × the master-down interval at advbase 1 s, advskew 0, plus the loaded machine's margin. */
  static final Duration QUIET = Duration.ofSeconds(3 * 3 + 8);

  AgentLab lab;
  LabMail mail;

  @BeforeEach
  void setUp() {
    lab = AgentLab.create(3);
    mail = LabMail.start(lab, 3);
  }

  @AfterEach
  void tearDown() {
    if (mail != null) {
      mail.close();
    }
    lab.close();
  }

  Path hookOut() {
    return lab.lab.workDir().resolve("hook-h1.out");
  }

  Path events() {
    return lab.lab.workDir().resolve("events-h1.jsonl");
  }

  String config() throws IOException {
    Path script =
        lab.write(
            "hook-h1.sh",
            """
            #!/bin/sh
            echo "$* reason=$VRRP_REASON previous=$VRRP_PREVIOUS_STATE vips=$VRRP_VIPS" >> %s
            """
                .formatted(hookOut()));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return """
        node: h1
        instances:
          ns:
            protocol: carp
            interface: eth0
            vhid: 60
            advbase: 1s
            advskew: 0
            password: secret
            addresses: [%s/24]
        notify:
          hooks:
            - exec: [%s]
              timeout: 5s
          email:
            smtp: { host: %s, port: 3025, starttls: none }
            from: vrrp-agent@h1.example.org
            to: [hostmaster@example.org]
            when: [master, fault]
            coalesce: 1s
          events:
            log: %s
        """
        .formatted(VIP, script, lab.lab.ipv4(3).getHostAddress(), events());
  }

  /** ucarp in host 2 with a wrong passphrase; its scripts add and remove the address there. */
  NetnsLab.LabProcess ucarpWithWrongPassphrase() {
    Path up = lab.write("ucarp-up.sh", "#!/bin/sh\nexec ip addr add \"$2\"/24 dev \"$1\"\n");
    Path down = lab.write("ucarp-down.sh", "#!/bin/sh\nexec ip addr del \"$2\"/24 dev \"$1\"\n");
    up.toFile().setExecutable(true);
    down.toFile().setExecutable(true);
    return lab.lab.start(
        2,
        "/usr/sbin/ucarp",
        "--interface=eth0",
        "--srcip=" + lab.lab.ipv4(2).getHostAddress(),
        "--vhid=60",
        "--pass=wrong",
        "--addr=" + VIP,
        "--advbase=1",
        "--advskew=100",
        "--upscript=" + up,
        "--downscript=" + down,
        "--shutdown",
        "--neutral");
  }

  String hookLines() throws IOException {
    return Files.exists(hookOut()) ? Files.readString(hookOut()) : "";
  }

  private String cli(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = AgentLab.repoRoot().resolve("bin/vrrp-agent").toString();
    System.arraycopy(args, 0, argv, 1, args.length);
    var r = lab.lab.exec(1, argv);
    assertThat(r.succeeded()).as(String.join(" ", args) + ": " + r.describeFailure()).isTrue();
    return r.stdout();
  }

  private String metrics() {
    return lab.lab.execChecked(
        1,
        "bash",
        "-c",
        "exec 3<>/dev/tcp/127.0.0.1/9740; printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3");
  }

  private double authDrops() {
    return metrics()
        .lines()
        .filter(l -> l.startsWith("vrrp_rx_dropped_total{") && l.contains("reason=\"auth\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static long count(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).count();
  }

  @Test
  void aCarpTransitionRunsTheHookAndMails_aWrongPassphrasePeerRaisesTheConflictAlarmOnce()
      throws Exception {
    NetnsLab.LabProcess agent = lab.agent(1, config());
    lab.awaitAddress(1, VIP, System.nanoTime(), FailoverIT.ELECTION, agent);
    Awaitility.await("the MASTER hook and mail")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                hookLines().contains("INSTANCE ns MASTER 254")
                    && mail.subjects().stream()
                        .anyMatch(s -> s.startsWith("[h1] ns: BACKUP -> MASTER (prio 254)")));
    assertThat(hookLines())
        .as(AgentLab.logs(agent))
        .contains("previous=BACKUP")
        .contains("vips=" + VIP);
    assertThat(metrics()).contains("protocol=\"carp\"");

    // A peer with the wrong passphrase: it cannot verify our adverts either, so it takes the
    // address too. We drop and count its adverts, raise the alarm once, and stay as we are.
    String peer = lab.lab.ipv4(2).getHostAddress();
    NetnsLab.LabProcess ucarp = ucarpWithWrongPassphrase();
    lab.awaitLog(agent, "ns: CONFLICT with " + peer, Duration.ofSeconds(15));
    lab.awaitAddress(2, VIP, System.nanoTime(), FailoverIT.ELECTION, ucarp, agent);
    assertThat(lab.hasAddress(1, VIP)).isTrue();
    String status = cli("status");
    assertThat(status)
        .as(status)
        .contains("MASTER (conflict)")
        .contains("ns: CONFLICT with " + peer + " since ");
    assertThat(cli("status", "--json").replace(" ", ""))
        .contains("\"reason\":\"auth\"", "\"peer\":\"" + peer + "\"");
    assertThat(metrics()).contains("vrrp_conflict{instance=\"ns\"} 1.0");
    Awaitility.await("one conflict mail")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> mail.subjects().stream().anyMatch(s -> s.contains("CONFLICT")));
    double dropsBefore = authDrops();

    // A few more seconds of ucarp's adverts (one a second and a bit): counted, not alarmed again.
    Awaitility.await()
        .pollDelay(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(10))
        .until(() -> true);
    assertThat(authDrops()).isGreaterThan(dropsBefore);
    assertThat(count(agent.output(), "WARN  ns: CONFLICT with " + peer))
        .as(AgentLab.logs(agent))
        .isEqualTo(1);
    assertThat(mail.subjects().stream().filter(s -> s.contains("CONFLICT")).toList())
        .containsExactly("[h1] ns: CONFLICT with " + peer + " (authentication differs)");
    assertThat(count(Files.readString(events()), "\"type\":\"CONFLICT\"")).isEqualTo(1);
    assertThat(agent.output()).as(AgentLab.logs(agent)).doesNotContain("ns: MASTER ->");
    assertThat(count(hookLines(), "INSTANCE ns MASTER")).isEqualTo(1);
    assertThat(lab.hasAddress(1, VIP)).isTrue();

    // ucarp goes away: after the quiet period the episode is over, said once; still MASTER.
    lab.kill(ucarp);
    lab.awaitLog(agent, "ns: conflict with " + peer + " over", QUIET);
    assertThat(metrics()).contains("vrrp_conflict{instance=\"ns\"} 0.0");
    assertThat(cli("status")).doesNotContain("CONFLICT").contains("MASTER");
    assertThat(agent.output()).doesNotContain("ns: MASTER ->").doesNotContain("Exception");
    System.out.println("CARP conflict alarm:\n" + status);
  }
}
