package org.vrrpagent.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vrrpagent.agent.e2e.LabConfigs.VIP4;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.lab.NetnsLab;

/**
 * Faults in the helpers around the engine, against the real daemon in the lab: an SMTP server that
 * accepts and never answers (lab host 3), a FIFO where the priority-order file should be, a hook
 * that hangs. None of them may stop adverts, the control API, SIGHUP or SIGTERM.
 */
class HelperFaultsIT {
  static final String VIP4_B = "198.18.0.101";

  /** Start-up of a JVM daemon on the shared, loaded machine: loose on purpose. */
  static final Duration START = Duration.ofSeconds(45);

  AgentLab lab;
  final List<Socket> smtpClients = new CopyOnWriteArrayList<>();
  ServerSocket silentSmtp;

  @BeforeEach
  void buildLab() {
    lab = AgentLab.create(3);
    silentSmtp =
        lab.lab.inNamespace(
            3,
            () -> {
              ServerSocket s = new ServerSocket();
              s.bind(new InetSocketAddress(lab.lab.ipv4(3), 2525));
              return s;
            });
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                while (true) {
                  smtpClients.add(silentSmtp.accept()); // and never a word: no greeting, no answer
                }
              } catch (IOException closed) {
                // test over
              }
            });
  }

  @AfterEach
  void tearDown() throws IOException {
    silentSmtp.close();
    for (Socket s : smtpClients) {
      s.close();
    }
    lab.close();
  }

  String mail(String when) {
    return """
        notify:
          email:
            smtp: { host: %s, port: 2525, starttls: none, timeout: 30s }
            from: vrrp-agent@example.org
            to: [hostmaster@example.org]
            when: %s
            coalesce: 0s
        """
        .formatted(lab.lab.ipv4(3).getHostAddress(), when);
  }

  static String instance(String name, int vrid, String priority, String address) {
    return """
          %s:
            interface: eth0
            vrid: %d
            %s
            advert-interval: 1s
            addresses: [%s/24]
            garp: { delay: 1s, repeat: 1 }
        """
        .formatted(name, vrid, priority, address);
  }

  /** GET /status on the host's control API, with a 5 s limit; "" when nothing answered. */
  String status(int host) {
    return http(host, "GET /status");
  }

  String http(int host, String request) {
    var r =
        lab.lab.exec(
            host,
            "timeout",
            "5",
            "bash",
            "-c",
            "exec 3<>/dev/tcp/127.0.0.1/9740; printf '"
                + request
                + " HTTP/1.0\\r\\n\\r\\n' >&3; cat <&3");
    return r.stdout();
  }

  /**
   * Fault 1: two instances mailing on every BACKUP and MASTER to an SMTP server that never answers.
   * Before the fix the mail thread held its lock while asking the engine for status and the engine
   * waited for that lock: start-up failed ("the engine thread did not answer within 10 s", exit 1),
   * or adverts stopped for 10 s once MASTER.
   */
  @Test
  void mailToAnSmtpServerThatNeverAnswersDelaysNothing() {
    NetnsLab.LabProcess h2 =
        lab.agent(
            2,
            "node: h2\ninstances:\n"
                + instance("dns0", 51, "priority: 100", VIP4)
                + instance("dns1", 52, "priority: 100", VIP4_B));
    NetnsLab.LabProcess h1 =
        lab.agent(
            1,
            "node: h1\ninstances:\n"
                + instance("dns0", 51, "priority: 200", VIP4)
                + instance("dns1", 52, "priority: 200", VIP4_B)
                + "sync-groups:\n  dns: [dns0, dns1]\n"
                + mail("[master, backup]"));
    lab.awaitLog(h1, "node h1: running", START);
    lab.awaitAddress(1, VIP4, System.nanoTime(), START, h1, h2);
    lab.awaitAddress(1, VIP4_B, System.nanoTime(), START, h1, h2);
    Awaitility.await("the mail thread is stuck in SMTP")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !smtpClients.isEmpty());
    int h2Before = h2.output().length(); // h2 may have been master before h1 started
    // While every mail hangs in SMTP: h1 keeps advertising, so h2 never takes over (master down
    // interval 3.6 s), and the control API answers.
    Awaitility.await("h1 keeps both addresses, h2 stays backup")
        .during(Duration.ofSeconds(12))
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> lab.holder(VIP4) == 1 && lab.holder(VIP4_B) == 1 && h1.process().isAlive());
    assertThat(status(1)).contains("\"state\" : \"MASTER\"");
    assertThat(h1.output()).doesNotContain("did not answer").doesNotContain("MASTER -> BACKUP");
    assertThat(h2.output().substring(h2Before)).doesNotContain("BACKUP -> MASTER");
    assertThat(lab.terminate(h1)).isZero();
  }

  /**
   * Fault 3: a FIFO in place of the priority-order file. Before the fix a thread blocked in open()
   * holding the reloader's lock; the control API, SIGHUP and SIGTERM then hung, and a valid file
   * renamed over the FIFO was ignored.
   */
  @Test
  void aFifoInPlaceOfThePriorityFileIsRefusedAndNothingHangs() {
    Path order = lab.write("priority.h1", "h1\nh2\n");
    NetnsLab.LabProcess h1 =
        lab.agent(
            1,
            "node: h1\ninstances:\n"
                + instance(
                    "dns0",
                    51,
                    "priority-order: { file: " + order + ", ranks: [250, 200], unlisted: 50 }",
                    VIP4));
    lab.awaitAddress(1, VIP4, System.nanoTime(), START, h1);

    lab.lab.execChecked(1, "rm", order.toString());
    lab.lab.execChecked(1, "mkfifo", order.toString());
    Awaitility.await("status says the FIFO is refused")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> status(1).contains("a FIFO"));
    lab.lab.execChecked(1, "kill", "-HUP", Long.toString(h1.process().pid()));
    lab.awaitLog(h1, "SIGHUP: reloaded", Duration.ofSeconds(10));

    Path temp = lab.write("priority.h1.tmp", "h2\nh1\n");
    lab.lab.execChecked(1, "mv", temp.toString(), order.toString());
    Awaitility.await("the file renamed over the FIFO is read")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> status(1).contains("\"status\" : \"OK\""));
    assertThat(status(1)).contains("\"effectivePriority\" : 200");
    // Fault 6: promoting an instance nobody demoted says so, and logs no "demotion lifted".
    assertThat(http(1, "POST /instances/dns0/promote"))
        .contains("200 OK", "not demoted; nothing to lift");
    assertThat(h1.output()).doesNotContain("demotion lifted");

    long start = System.nanoTime();
    assertThat(lab.terminate(h1)).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(lab.hasAddress(1, VIP4)).isFalse();
  }

  /**
   * SIGTERM finishes its job with every helper broken at once: a hook that hangs on every event,
   * mail to a server that never answers, a FIFO as the priority-order file. The peer takes over at
   * once (priority 0), our address is gone, and the agent exits 0 within the hard deadline.
   */
  @Test
  void sigtermFinishesItsJobWhileEveryHelperHangs() throws IOException {
    Path fifo =
        lab.write(
            "priority.fifo", "h1\nh2\n"); // a FIFO once running (validation refuses one at start)
    Path hook = lab.write("hang.sh", "#!/bin/sh\nexec sleep 1000\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    NetnsLab.LabProcess h2 =
        lab.agent(2, "node: h2\ninstances:\n" + instance("dns0", 51, "priority: 100", VIP4));
    lab.awaitLog(h2, "dns0: INIT -> BACKUP", START);
    NetnsLab.LabProcess h1 =
        lab.agent(
            1,
            "node: h1\ninstances:\n"
                + instance(
                    "dns0",
                    51,
                    "priority-order: { file: " + fifo + ", ranks: [250, 200], unlisted: 150 }",
                    VIP4)
                + mail("[master, backup, fault]")
                + """
              hooks:
                - exec: [%s]
                  timeout: 60s
            """
                    .formatted(hook));
    lab.awaitAddress(1, VIP4, System.nanoTime(), START, h1, h2);
    lab.lab.execChecked(1, "rm", fifo.toString());
    lab.lab.execChecked(1, "mkfifo", fifo.toString());
    lab.awaitLog(h1, "not a regular file (a FIFO", Duration.ofSeconds(10));
    Awaitility.await("mail stuck in SMTP")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !smtpClients.isEmpty());

    long start = System.nanoTime();
    h1.process().destroy(); // SIGTERM
    long tookOverMillis = lab.awaitAddress(2, VIP4, start, Duration.ofSeconds(3), h1, h2);
    try {
      assertThat(h1.process().waitFor(10, TimeUnit.SECONDS)).as("exited").isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    long exitMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(h1.process().exitValue()).as(AgentLab.logs(h1)).isZero();
    assertThat(exitMillis).as("exit within the hard deadline").isLessThan(8_000);
    assertThat(lab.hasAddress(1, VIP4)).isFalse();
    assertThat(h2.output()).contains("MASTER");
    assertThat(h1.output()).contains("stopped: priority 0 sent");
    System.out.printf(
        "SIGTERM with a hanging hook, silent SMTP and a FIFO: peer MASTER after %d ms, exit after %d ms%n",
        tookOverMillis, exitMillis);
  }
}
