package org.vrrpagent.agent.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigException;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.fsm.VrrpState;

/** Configurations and transitions for notification tests. */
final class NotifyFixtures {
  private NotifyFixtures() {}

  /**
   * Two instances in one sync group, plus a third alone; {@code notify} is the indented notify:
   * body.
   */
  static Config config(String notify) {
    String yaml =
        """
        node: ns1
        instances:
          dns0:
            interface: eth0
            vrid: 51
            priority: 250
            addresses: [198.18.0.100/24, 198.18.0.101/24]
          dns0-b:
            interface: eth0
            vrid: 52
            addresses: [198.18.0.102/24]
          web:
            interface: eth0
            vrid: 53
            addresses: [198.18.0.110/24]
        sync-groups:
          dns: [dns0, dns0-b]
        notify:
        %s"""
            .formatted(notify.indent(2));
    try {
      return ConfigLoader.parse("test.yaml", yaml);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  static Notifications.Options options() {
    return new Notifications.Options(
        Duration.ofMillis(300),
        Duration.ofMillis(100),
        new Properties(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        false,
        Clock.systemUTC());
  }

  static Notifications.Options options(Properties mail) {
    Notifications.Options o = options();
    return new Notifications.Options(
        o.hookKillGrace(), o.mailInitialBackoff(), mail, o.stdout(), false, o.clock());
  }

  /** Notifications for {@link #config}{@code (notify)}, with no status and the test options. */
  static Notifications start(String notify) {
    return Notifications.start(config(notify), StatusSource.NONE, options());
  }

  static Action.StateChanged change(VrrpState from, VrrpState to, String reason, int priority) {
    return new Action.StateChanged(from, to, reason, priority);
  }

  /** An executable script in {@code dir}. */
  static Path script(Path dir, String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }
}
