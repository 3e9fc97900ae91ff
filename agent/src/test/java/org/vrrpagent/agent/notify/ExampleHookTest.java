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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/notify/notify-mail, run as a hook: mail only on MASTER and on failure-caused BACKUP. */
class ExampleHookTest {
  private static final Path SCRIPT =
      Path.of("..", "examples", "notify", "notify-mail").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void mailsOnlyOnMasterAndOnFailureCausedBackup() throws Exception {
    Path mails = dir.resolve("mails");
    // A stand-in for sendmail -t: appends the message it reads.
    Path sendmail =
        NotifyFixtures.script(
            dir,
            "sendmail",
            "[ \"$1\" = -t ] || exit 64\ncat >> %s\necho ---- >> %s\n".formatted(mails, mails));
    try (Notifications n =
        Notifications.start(
            config(
                """
        hooks:
          - exec: [%s, hostmaster@example.org, %s]
        """
                    .formatted(SCRIPT, sendmail)),
            StatusSource.NONE,
            options())) {
      n.stateChanged("web", change(INIT, BACKUP, "startup", 100)); // healthy start: no mail
      n.stateChanged("web", change(BACKUP, MASTER, "master down timer expired", 100)); // mail
      n.stateChanged(
          "web",
          change(MASTER, BACKUP, "higher priority advert from 198.18.0.2 (prio 200)", 90)); // mail
      n.stateChanged(
          "web",
          change(BACKUP, FAULT, "fault: check uplink failed", 90)); // no mail (not in this policy)
      n.stateChanged("web", change(FAULT, BACKUP, "fault cleared", 100)); // mail
      n.stateChanged("web", change(BACKUP, INIT, "shutdown", 100)); // no mail
      await().atMost(Duration.ofSeconds(20)).until(() -> n.stats().hooksRun() == 6);
      assertThat(n.stats().hooksFailed()).isZero();
    }
    String all = Files.readString(mails);
    assertThat(all.split("----\n")).hasSize(3);
    assertThat(all)
        .contains(
            "Subject: [ns1] web: BACKUP -> MASTER (prio 100)",
            "Subject: [ns1] web: MASTER -> BACKUP (prio 90)",
            "Why: higher priority advert from 198.18.0.2 (prio 200)",
            "Subject: [ns1] web: FAULT -> BACKUP (prio 100)",
            "To: hostmaster@example.org",
            "Addresses: 198.18.0.110");
    assertThat(all).doesNotContain("INIT -> BACKUP", "-> FAULT", "STOP");
  }
}
