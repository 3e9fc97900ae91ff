package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vrrpagent.agent.notify.NotifyFixtures.change;
import static org.vrrpagent.agent.notify.NotifyFixtures.options;
import static org.vrrpagent.core.fsm.VrrpState.BACKUP;
import static org.vrrpagent.core.fsm.VrrpState.MASTER;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.actions.DnsPairConfig;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;

/**
 * A DNS action's outcome reaches people: a JSON line in the event log and a mail over real SMTP
 * (GreenMail), from a change of master through the notifications, as the daemon wires them.
 */
class ActionNotificationTest {
  static final String ZONE =
      """
      @   IN SOA ns1.example.org. hostmaster.example.org. 2026112001 3600 600 86400 60
          IN NS  ns1.example.org.
      www     60 IN A     192.0.2.99      ; Enable failover
      standby 60 IN A     203.0.113.20    ; Enable failover standby
      """;

  @TempDir Path dir;

  @Test
  void aFailedReloadIsEventedAndMailed() throws Exception {
    GreenMail g = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    g.start();
    Path zone = dir.resolve("example.org.zone");
    Files.writeString(zone, ZONE);
    Path events = dir.resolve("events.jsonl");
    Config config =
        ConfigLoader.parse(
            "agent.yaml",
            DnsPairConfig.ns2WithZoneFile(
                    "{ path: %s, marker: \"; Enable failover\", reload: [/bin/false] }"
                        .formatted(zone))
                + """
            notify:
              email:
                smtp: { host: 127.0.0.1, port: %d }
                from: vrrp-agent@ns2.example.org
                to: [hostmaster@example.org]
                when: [fault]
              events: { log: %s }
            """
                    .formatted(g.getSmtp().getPort(), events));
    Notifications n = Notifications.start(config, List::of, options());
    try {
      n.stateChanged("www", change(BACKUP, MASTER, "master down", 100));
      await().atMost(Duration.ofSeconds(20)).until(() -> g.getReceivedMessages().length == 1);
      MimeMessage m = g.getReceivedMessages()[0];
      assertThat(m.getSubject())
          .isEqualTo("[ns2] www: zone-file " + zone + " restored (master ns2, standby ns1)");
      assertThat((String) m.getContent())
          .contains("reload /bin/false exited with 1")
          .contains("original restored byte for byte")
          .contains("the original file was put");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(events) && Files.readString(events).contains("\"ACTION\""));
      assertThat(Files.readString(events))
          .contains("\"type\":\"ACTION\",\"name\":\"www\",\"action\":\"zone-file\"")
          .contains("\"result\":\"restored\",\"master\":\"ns2\",\"standby\":\"ns1\"");
      assertThat(Files.readString(zone)).isEqualTo(ZONE);
    } finally {
      n.close();
      g.stop();
    }
  }
}
