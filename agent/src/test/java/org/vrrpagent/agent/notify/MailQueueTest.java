package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vrrpagent.agent.notify.NotifyFixtures.change;
import static org.vrrpagent.agent.notify.NotifyFixtures.config;
import static org.vrrpagent.core.fsm.VrrpState.BACKUP;
import static org.vrrpagent.core.fsm.VrrpState.INIT;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The mail thread never holds up the engine thread: building a mail (which reads the check status)
 * and sending it (SMTP to a server that accepts and never answers) happen outside the lock that
 * {@code stateChanged} needs, and the text comes from the snapshot handed over with the event.
 */
class MailQueueTest {
  @Test
  void aMailBeingBuiltOrSentNeverDelaysTheNextEvent() throws Exception {
    CountDownLatch statusAsked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    StatusSource slow =
        () -> {
          statusAsked.countDown();
          try {
            release.await(
                30,
                TimeUnit.SECONDS); // as the old engine.status() did while the engine waited on us
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return List.of();
        };
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept()); // SMTP server that never says a word
                  }
                } catch (Exception closed) {
                  // test over
                }
              });
      Notifications n =
          Notifications.start(
              config(
                  """
          email:
            smtp: { host: 127.0.0.1, port: %d, starttls: none, timeout: 20s }
            from: vrrp-agent@ns1.example.org
            to: [hostmaster@example.org]
            when: [backup]
            coalesce: 0s
          """
                      .formatted(silent.getLocalPort())),
              slow,
              NotifyFixtures.options());
      try {
        n.stateChanged("dns0", change(INIT, BACKUP, "startup", 250));
        assertThat(statusAsked.await(10, TimeUnit.SECONDS))
            .as("the mail thread builds the first mail")
            .isTrue();
        long start = System.nanoTime();
        n.stateChanged(
            "web", change(INIT, BACKUP, "startup", 100)); // while the first mail is being built
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        release.countDown();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !accepted.isEmpty()); // first mail in SMTP now
        start = System.nanoTime();
        n.stateChanged("dns0-b", change(INIT, BACKUP, "startup", 100)); // while a send hangs
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      } finally {
        release.countDown();
        long closing = System.nanoTime();
        n.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closing))
            .isLessThan(Notifications.CLOSE_BUDGET.plusSeconds(2));
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }
}
