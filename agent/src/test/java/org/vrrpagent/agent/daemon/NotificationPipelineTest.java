package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.notify.StatusSource;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.VrrpState;

/**
 * Notify settings (hooks and mail) apply on reload: the pipeline is swapped, the live event bus
 * stays.
 */
class NotificationPipelineTest {
  @TempDir Path dir;

  private static final StatusSource NO_STATUS = StatusSource.NONE;

  private Path hook(String name) throws Exception {
    Path script = dir.resolve(name);
    Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + dir.resolve(name + ".out") + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private Config config(Path hook) throws Exception {
    return ConfigLoader.parse(
        dir.resolve("agent.yaml").toString(),
        """
        node: h1
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24] }
        notify:
          hooks:
            - exec: [%s]
        """
            .formatted(hook));
  }

  private static String out(Path hook) throws Exception {
    Path out = Path.of(hook + ".out");
    return Files.exists(out) ? Files.readString(out) : "";
  }

  @Test
  void aReloadWithNewHooksSendsTheNextChangeToTheNewHookOnly() throws Exception {
    Path first = hook("first");
    Path second = hook("second");
    Config before = config(first);
    List<String> live = new ArrayList<>();
    try (NotificationPipeline pipeline = new NotificationPipeline(before, NO_STATUS, runner -> {});
        AutoCloseable subscription =
            pipeline
                .events()
                .subscribe(
                    json -> {
                      synchronized (live) {
                        live.add(json);
                      }
                    })) {
      pipeline.stateChanged(
          "dns0", new Action.StateChanged(VrrpState.INIT, VrrpState.BACKUP, "start", 100));
      Awaitility.await("the first hook ran")
          .atMost(Duration.ofSeconds(10))
          .until(() -> out(first).contains("dns0 BACKUP"));

      pipeline.reconfigure(before, config(second));
      pipeline.stateChanged(
          "dns0", new Action.StateChanged(VrrpState.BACKUP, VrrpState.MASTER, "master down", 100));
      Awaitility.await("the new hook ran")
          .atMost(Duration.ofSeconds(10))
          .until(() -> out(second).contains("dns0 MASTER"));
      assertThat(out(first))
          .as("the old hook saw only the change before the reload")
          .doesNotContain("MASTER");
      Awaitility.await("both changes on the same live stream")
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                synchronized (live) {
                  return live.stream().anyMatch(j -> j.contains("BACKUP"))
                      && live.stream().anyMatch(j -> j.contains("MASTER"));
                }
              });
    }
  }

  private Config mailTo(int smtpPort, String to) throws Exception {
    return ConfigLoader.parse(
        dir.resolve("agent.yaml").toString(),
        """
        node: h1
        instances:
          dns0: { interface: eth0, vrid: 51, addresses: [198.18.0.100/24] }
        notify:
          email:
            smtp: { host: 127.0.0.1, port: %d, starttls: none }
            from: vrrp-agent@h1.example.org
            to: [%s]
            when: [master, backup]
            coalesce: 0s
        """
            .formatted(smtpPort, to));
  }

  private static List<String> recipients(GreenMail smtp) throws Exception {
    List<String> to = new ArrayList<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      for (Address a : m.getAllRecipients()) {
        to.add(a.toString());
      }
    }
    return to;
  }

  @Test
  void aReloadWithNewMailSettingsMailsTheNextChangeToTheNewRecipient() throws Exception {
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    smtp.start();
    try {
      int port = smtp.getSmtp().getPort();
      Config before = mailTo(port, "ops-a@example.org");
      try (NotificationPipeline pipeline =
          new NotificationPipeline(before, NO_STATUS, runner -> {})) {
        pipeline.stateChanged(
            "dns0", new Action.StateChanged(VrrpState.INIT, VrrpState.BACKUP, "start", 100));
        Awaitility.await("the first mail")
            .atMost(Duration.ofSeconds(20))
            .until(() -> smtp.getReceivedMessages().length == 1);
        assertThat(recipients(smtp)).containsExactly("ops-a@example.org");

        pipeline.reconfigure(before, mailTo(port, "ops-b@example.org"));
        pipeline.stateChanged(
            "dns0",
            new Action.StateChanged(VrrpState.BACKUP, VrrpState.MASTER, "master down", 100));
        Awaitility.await("the mail after the reload")
            .atMost(Duration.ofSeconds(20))
            .until(() -> smtp.getReceivedMessages().length == 2);
        assertThat(recipients(smtp))
            .as("the change after the reload goes to the new recipient only")
            .containsExactly("ops-a@example.org", "ops-b@example.org");
      }
    } finally {
      smtp.stop();
    }
  }

  @Test
  void anUnchangedConfigurationKeepsThePipeline() throws Exception {
    Path first = hook("first");
    Config c = config(first);
    try (NotificationPipeline pipeline = new NotificationPipeline(c, NO_STATUS, runner -> {})) {
      var stats = pipeline.stats();
      pipeline.reconfigure(c, config(first));
      pipeline.stateChanged(
          "dns0", new Action.StateChanged(VrrpState.INIT, VrrpState.BACKUP, "start", 100));
      Awaitility.await("the hook ran")
          .atMost(Duration.ofSeconds(10))
          .until(() -> out(first).contains("dns0 BACKUP"));
      Awaitility.await("counted by the same pipeline: not replaced")
          .atMost(Duration.ofSeconds(5))
          .until(() -> pipeline.stats().hooksRun() == stats.hooksRun() + 1);
    }
  }
}
