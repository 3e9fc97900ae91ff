package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vrrpagent.agent.notify.NotifyFixtures.change;
import static org.vrrpagent.agent.notify.NotifyFixtures.config;
import static org.vrrpagent.agent.notify.NotifyFixtures.options;
import static org.vrrpagent.core.fsm.VrrpState.BACKUP;
import static org.vrrpagent.core.fsm.VrrpState.FAULT;
import static org.vrrpagent.core.fsm.VrrpState.INIT;
import static org.vrrpagent.core.fsm.VrrpState.MASTER;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail against GreenMail, a real SMTP server on loopback (with a real STARTTLS front where needed).
 */
class MailTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) {
      c.close();
    }
  }

  private GreenMail greenMail(String protocol, int port) {
    return greenMail(protocol, port, false);
  }

  /**
   * @param refusedHandshake GreenMail reports our refused TLS handshake at stop: expected, ignored
   */
  private GreenMail greenMail(String protocol, int port, boolean refusedHandshake) {
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
    if (port == 0) {
      setup = setup.dynamicPort();
    }
    GreenMail g =
        new GreenMail(setup)
            .withConfiguration(
                GreenMailConfiguration.aConfig()
                    .withUser("hostmaster@example.org", "vrrp", "s3cret"));
    g.start();
    cleanup.add(
        () -> {
          try {
            g.stop();
          } catch (IllegalStateException e) {
            if (!refusedHandshake) {
              throw e;
            }
          }
        });
    return g;
  }

  private static int smtpPort(GreenMail g) {
    return g.getSmtp() != null ? g.getSmtp().getPort() : g.getSmtps().getPort();
  }

  private Path passwordFile(String password) throws IOException {
    Path p = dir.resolve("smtp.pass");
    Files.writeString(p, password + "\n");
    return p;
  }

  /** A notify: block with email. */
  private static String email(String smtp, String when, String coalesce) {
    return """
        email:
          smtp: %s
          from: vrrp-agent@ns1.example.org
          to: [hostmaster@example.org]
          when: %s
          coalesce: %s
        """
        .formatted(smtp, when, coalesce);
  }

  /** Session properties that trust GreenMail's self-signed test certificate (tests only). */
  private static Properties trustTestCertificate(String protocol) {
    Properties p = new Properties();
    p.put("mail." + protocol + ".ssl.trust", "*");
    p.put("mail." + protocol + ".ssl.checkserveridentity", "false");
    return p;
  }

  private Notifications start(String notify, StatusSource status, Properties mail) {
    Notifications n = Notifications.start(config(notify), status, options(mail));
    cleanup.add(n);
    return n;
  }

  /** Mail to {@code smtp} on {@code when}, sent at once: no status, no session properties. */
  private Notifications start(String smtp, String when) {
    return start(email(smtp, when, "0s"), StatusSource.NONE, new Properties());
  }

  /** The SMTP server on loopback port {@code port}: no TLS, no login. */
  private static String plain(int port) {
    return "{ host: 127.0.0.1, port: %d }".formatted(port);
  }

  /** The transition most tests mail: dns0 BACKUP -> MASTER at priority 250. */
  private static void masterDown(Notifications n) {
    n.stateChanged("dns0", change(BACKUP, MASTER, "master down", 250));
  }

  private static List<String> subjects(GreenMail g) {
    return Arrays.stream(g.getReceivedMessages())
        .map(
            m -> {
              try {
                return m.getSubject();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  private static final StatusSource STATUS =
      () -> List.of(new StatusSource.FailingCheck("named_ok", "DNS SERVFAIL from 127.0.0.1"));

  @Test
  void starttlsRequiredWithAuthOverARealStartTlsServer() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, 0);
    StartTlsFront front = new StartTlsFront(smtpPort(g));
    cleanup.add(front);
    Notifications n =
        start(
            email(
                "{ host: 127.0.0.1, port: %d, starttls: required, username: vrrp, password-file: %s }"
                    .formatted(front.port(), passwordFile("s3cret")),
                "[master, fault, backup-after-failure]",
                "0s"),
            STATUS,
            trustTestCertificate("smtp"));
    n.stateChanged(
        "dns0", change(MASTER, BACKUP, "higher priority advert from 198.18.0.2 (prio 250)", 200));

    await().atMost(WAIT).until(() -> g.getReceivedMessages().length == 1);
    MimeMessage m = g.getReceivedMessages()[0];
    assertThat(m.getSubject()).isEqualTo("[ns1] dns0: MASTER -> BACKUP (prio 200)");
    assertThat(m.getFrom()[0].toString()).isEqualTo("vrrp-agent@ns1.example.org");
    assertThat(m.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    String body = (String) m.getContent();
    assertThat(body)
        .contains("dns0: MASTER -> BACKUP (prio 200)")
        .contains("why: higher priority advert from 198.18.0.2 (prio 250)")
        .contains("addresses: 198.18.0.100 198.18.0.101")
        .contains(
            "dns0  BACKUP  priority 200 (configured 250)  higher priority advert from 198.18.0.2 (prio 250)")
        .contains("web  INIT  priority 100")
        .contains("named_ok: DNS SERVFAIL from 127.0.0.1")
        .contains("Recent transitions");
    assertThat(front.handshakes()).isEqualTo(1);
    assertThat(front.insideTls())
        .as("AUTH happened inside TLS")
        .containsPattern("(?m)^AUTH (PLAIN|LOGIN)");
    // GreenMail holds the mail before the client has read the server's 250: count after that.
    await().atMost(WAIT).until(() -> n.stats().mailsSent() >= 1);
    assertThat(n.stats().mailsSent()).isEqualTo(1);
  }

  @Test
  void starttlsRequiredRefusesAServerWithoutStartTls() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, 0);
    Notifications n =
        start(
            "{ host: 127.0.0.1, port: %d, starttls: required }".formatted(smtpPort(g)), "[master]");
    masterDown(n);
    await().atMost(WAIT).until(() -> n.stats().mailAttemptsFailed() >= 2);
    assertThat(g.getReceivedMessages()).isEmpty();
    assertThat(n.stats().mailQueueDepth()).isEqualTo(1);
  }

  @Test
  void starttlsOptionalSendsPlainToAServerWithoutIt() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, 0);
    Notifications n = start(plain(smtpPort(g)), "[master]");
    masterDown(n);
    await().atMost(WAIT).until(() -> g.getReceivedMessages().length == 1);
  }

  @Test
  void implicitTlsWithAuth() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTPS, 0);
    Notifications n =
        start(
            email(
                "{ host: 127.0.0.1, port: %d, tls: true, username: vrrp, password-file: %s }"
                    .formatted(smtpPort(g), passwordFile("s3cret")),
                "[master]",
                "0s"),
            StatusSource.NONE,
            trustTestCertificate("smtps"));
    masterDown(n);
    await().atMost(WAIT).until(() -> g.getReceivedMessages().length == 1);
    assertThat(subjects(g)).containsExactly("[ns1] dns0: BACKUP -> MASTER (prio 250)");
  }

  @Test
  void implicitTlsChecksTheCertificateByDefault() throws Exception {
    // A TLS server with a self-signed certificate: without a trust setting the handshake must fail.
    SSLServerSocket tlsServer =
        (SSLServerSocket)
            StartTlsFront.testCertificateContext().getServerSocketFactory().createServerSocket();
    tlsServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    cleanup.add(tlsServer);
    List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread accept =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!tlsServer.isClosed()) {
                    try (SSLSocket s = (SSLSocket) tlsServer.accept()) {
                      s.setSoTimeout(10_000);
                      s.startHandshake();
                      outcomes.add("handshake completed");
                    } catch (IOException e) {
                      outcomes.add(e.getMessage());
                    }
                  }
                });
    cleanup.add(accept::interrupt);
    Notifications n =
        start(
            "{ host: 127.0.0.1, port: %d, tls: true }".formatted(tlsServer.getLocalPort()),
            "[master]");
    masterDown(n);
    await().atMost(WAIT).until(() -> n.stats().mailAttemptsFailed() >= 1 && !outcomes.isEmpty());
    // The client aborts the handshake (an alert, or just a closed connection, depending on timing).
    assertThat(outcomes).doesNotContain("handshake completed");
    assertThat(n.stats().mailsSent()).isZero();
  }

  @Test
  void aWrongPasswordDeliversNothing() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, 0);
    Notifications n =
        start(
            "{ host: 127.0.0.1, port: %d, username: vrrp, password-file: %s }"
                .formatted(smtpPort(g), passwordFile("wrong")),
            "[master]");
    masterDown(n);
    await().atMost(WAIT).until(() -> n.stats().mailAttemptsFailed() >= 2);
    assertThat(g.getReceivedMessages()).isEmpty();
  }

  @Test
  void usualPolicyHealthyBackupSendsNothingFailureCausedBackupSends() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, 0);
    Notifications n = start(plain(smtpPort(g)), "[master, fault, backup-after-failure]");
    n.stateChanged("web", change(INIT, BACKUP, "startup", 100)); // healthy start: no mail
    n.stateChanged("dns0", change(INIT, BACKUP, "startup", 250)); // healthy start: no mail
    n.stateChanged("dns0", change(BACKUP, MASTER, "master down timer expired", 250)); // mail
    n.stateChanged(
        "dns0",
        change(MASTER, BACKUP, "higher priority advert from 198.18.0.2 (prio 250)", 200)); // mail
    n.stateChanged(
        "web", change(BACKUP, FAULT, "fault: check uplink failed: eth0 down", 100)); // mail
    n.stateChanged("web", change(FAULT, BACKUP, "fault cleared", 100)); // mail: back from a fault
    n.stateChanged("web", change(BACKUP, INIT, "shutdown", 100)); // STOP not in when: no mail
    n.stateChanged(
        "dns0", change(BACKUP, MASTER, "master down timer expired", 250)); // mail (sentinel)
    await().atMost(WAIT).until(() -> g.getReceivedMessages().length == 5);
    assertThat(subjects(g))
        .containsExactly(
            "[ns1] dns0: BACKUP -> MASTER (prio 250)",
            "[ns1] dns0: MASTER -> BACKUP (prio 200)",
            "[ns1] web: BACKUP -> FAULT (prio 100)",
            "[ns1] web: FAULT -> BACKUP (prio 100)",
            "[ns1] dns0: BACKUP -> MASTER (prio 250)");
    // Mails go out in order, so a mail for a skipped transition would have come before the
    // sentinel.
  }

  @Test
  void aBurstWithinTheWindowIsOneMail() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, 0);
    Notifications n =
        start(
            email(plain(smtpPort(g)), "[master, backup]", "2s"),
            StatusSource.NONE,
            new Properties());
    for (int i = 0; i < 5; i++) {
      n.stateChanged(
          "dns0",
          change(i % 2 == 0 ? BACKUP : MASTER, i % 2 == 0 ? MASTER : BACKUP, "flap " + i, 250 - i));
    }
    await().atMost(WAIT).until(() -> g.getReceivedMessages().length == 1);
    MimeMessage m = g.getReceivedMessages()[0];
    assertThat(m.getSubject()).isEqualTo("[ns1] dns0: BACKUP -> MASTER (prio 250) (+4 more)");
    assertThat((String) m.getContent()).contains("flap 0", "flap 1", "flap 2", "flap 3", "flap 4");
    n.stateChanged("web", change(BACKUP, MASTER, "after the window", 100));
    await().atMost(WAIT).until(() -> g.getReceivedMessages().length == 2);
    assertThat(subjects(g).get(1)).isEqualTo("[ns1] web: BACKUP -> MASTER (prio 100)");
  }

  @Test
  void smtpDownThenUpTheMailArrivesAfterRetries() throws Exception {
    int port = freePort();
    Notifications n = start(plain(port), "[master]");
    masterDown(n);
    await().atMost(WAIT).until(() -> n.stats().mailAttemptsFailed() >= 2);
    assertThat(n.stats().mailQueueDepth()).isEqualTo(1);
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, port);
    await().atMost(WAIT).until(() -> g.getReceivedMessages().length == 1);
    assertThat(n.stats().mailsSent()).isEqualTo(1);
    assertThat(n.stats().mailQueueDepth()).isZero();
  }

  @Test
  void pastTheQueueLimitTheOldestMailsAreDroppedAndCounted() throws Exception {
    int port = freePort();
    Notifications n = start(plain(port), "[master]");
    int total = MailQueue.MAX_QUEUED_MAILS + 50;
    for (int i = 0; i < total; i++) {
      n.stateChanged("web", change(BACKUP, MASTER, "t" + i, i));
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                n.stats().mailsDropped() == 50
                    && n.stats().mailQueueDepth() == MailQueue.MAX_QUEUED_MAILS);
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, port);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> g.getReceivedMessages().length == MailQueue.MAX_QUEUED_MAILS);
    assertThat(subjects(g).getFirst()).isEqualTo("[ns1] web: BACKUP -> MASTER (prio 50)");
    assertThat(subjects(g).getLast())
        .isEqualTo("[ns1] web: BACKUP -> MASTER (prio " + (total - 1) + ")");
  }

  @Test
  void closeIsBoundedWhenTheServerNeverAnswers() throws Exception {
    // Accepts connections and says nothing: a send blocks until its 60 s SMTP timeout.
    ServerSocket silent = new ServerSocket();
    silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    cleanup.add(silent);
    List<Socket> held = new ArrayList<>();
    Thread accept =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      held.add(silent.accept());
                    }
                  } catch (IOException e) {
                    // closed
                  }
                });
    cleanup.add(accept::interrupt);
    Notifications n =
        Notifications.start(
            config(
                email(
                    "{ host: 127.0.0.1, port: %d, timeout: 60s }".formatted(silent.getLocalPort()),
                    "[master]",
                    "0s")),
            StatusSource.NONE,
            options());
    masterDown(n);
    await().atMost(WAIT).until(() -> !held.isEmpty());
    long start = System.nanoTime();
    n.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("close() with a silent SMTP server took " + took.toMillis() + " ms");
    assertThat(took).isLessThan(Notifications.CLOSE_BUDGET.plusMillis(1500));
    assertThat(n.stats().mailsDropped()).isEqualTo(1);
  }

  @Test
  void closeSendsWhatIsStillCoalescing() throws Exception {
    GreenMail g = greenMail(ServerSetup.PROTOCOL_SMTP, 0);
    Notifications n =
        Notifications.start(
            config(email(plain(smtpPort(g)), "[master, stop]", "1h")),
            StatusSource.NONE,
            options());
    masterDown(n);
    n.stateChanged("dns0", change(MASTER, INIT, "shutdown", 250));
    n.close();
    assertThat(subjects(g)).containsExactly("[ns1] dns0: BACKUP -> MASTER (prio 250) (+1 more)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
