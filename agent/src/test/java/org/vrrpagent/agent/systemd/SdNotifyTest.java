package org.vrrpagent.agent.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SdNotify against a real AF_UNIX datagram socket, bound the way systemd binds its notify socket.
 */
class SdNotifyTest {
  private static final long PID = 4242;

  @TempDir Path dir;

  @Test
  void messagesArriveOnAFilesystemSocket() throws Throwable {
    String path = dir.resolve("notify").toString();
    try (NotifySocket systemd = new NotifySocket(path, 5)) {
      SdNotify notify = SdNotify.from(Map.of("NOTIFY_SOCKET", path), PID);
      assertThat(notify.enabled()).isTrue();
      assertThat(notify.ready("dns0 MASTER, dns1 BACKUP")).isTrue();
      assertThat(systemd.receive()).isEqualTo("READY=1\nSTATUS=dns0 MASTER, dns1 BACKUP");
      assertThat(notify.status("dns0 BACKUP\n(demoted)")).isTrue();
      assertThat(systemd.receive()).isEqualTo("STATUS=dns0 BACKUP (demoted)");
      assertThat(notify.watchdog()).isTrue();
      assertThat(systemd.receive()).isEqualTo("WATCHDOG=1");
      assertThat(notify.reloading()).isTrue();
      assertThat(systemd.receive()).matches("RELOADING=1\nMONOTONIC_USEC=\\d+");
      assertThat(notify.stopping()).isTrue();
      assertThat(systemd.receive()).isEqualTo("STOPPING=1");
      assertThat(notify.failures()).isZero();
    }
  }

  @Test
  void messagesArriveOnAnAbstractSocket() throws Throwable {
    String name =
        "@vrrp-agent-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    try (NotifySocket systemd = new NotifySocket(name, 5)) {
      SdNotify notify = SdNotify.from(Map.of("NOTIFY_SOCKET", name), PID);
      assertThat(notify.ready("up")).isTrue();
      assertThat(systemd.receive()).isEqualTo("READY=1\nSTATUS=up");
    }
  }

  @Test
  void longStatusIsCutToTheLimit() throws Throwable {
    String path = dir.resolve("notify").toString();
    try (NotifySocket systemd = new NotifySocket(path, 5)) {
      SdNotify notify = SdNotify.from(Map.of("NOTIFY_SOCKET", path), PID);
      notify.status("x".repeat(1000));
      String got = systemd.receive();
      assertThat(got).hasSize("STATUS=".length() + SdNotify.MAX_STATUS_CHARS).endsWith("…");
    }
  }

  @Test
  void withoutNotifySocketNothingIsSent() {
    SdNotify notify = SdNotify.from(Map.of(), PID);
    assertThat(notify.enabled()).isFalse();
    assertThat(notify.ready("x")).isFalse();
    assertThat(notify.watchdogInterval()).isEmpty();
    assertThat(notify.failures()).isZero();
  }

  @Test
  void aSocketNobodyListensOnIsCountedNotThrown() {
    SdNotify notify = SdNotify.from(Map.of("NOTIFY_SOCKET", dir.resolve("gone").toString()), PID);
    assertThat(notify.ready("x")).isFalse();
    assertThat(notify.watchdog()).isFalse();
    assertThat(notify.failures()).isEqualTo(2);
  }

  @Test
  void unsupportedSocketKindsAreIgnored() {
    assertThat(SdNotify.from(Map.of("NOTIFY_SOCKET", "vsock:2:1234"), PID).enabled()).isFalse();
    assertThat(SdNotify.from(Map.of("NOTIFY_SOCKET", ""), PID).enabled()).isFalse();
  }

  @Test
  void anOverlongNameIsOneClearError() {
    assertThatThrownBy(() -> UnixDatagram.send("/" + "x".repeat(200), new byte[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("is 201 bytes (expected: 1..107)");
  }

  @Test
  void theWatchdogIntervalIsHalfOfWatchdogSecAndOnlyForUs() {
    Map<String, String> base =
        Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "10000000");
    assertThat(SdNotify.from(base, PID).watchdogInterval()).hasValue(Duration.ofSeconds(5));
    assertThat(SdNotify.from(with(base, "WATCHDOG_PID", "4242"), PID).watchdogInterval())
        .hasValue(Duration.ofSeconds(5));
    assertThat(SdNotify.from(with(base, "WATCHDOG_PID", "1"), PID).watchdogInterval()).isEmpty();
    assertThat(SdNotify.from(with(base, "WATCHDOG_USEC", "ten"), PID).watchdogInterval()).isEmpty();
    assertThat(SdNotify.from(with(base, "WATCHDOG_USEC", "0"), PID).watchdogInterval()).isEmpty();
    assertThat(SdNotify.from(Map.of("WATCHDOG_USEC", "10000000"), PID).watchdogInterval())
        .isEmpty();
  }

  @Test
  void keepAlivePingsWhileAliveAndStopsWhenStuck() throws Throwable {
    String path = dir.resolve("notify").toString();
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    try (NotifySocket systemd = new NotifySocket(path, 5)) {
      SdNotify notify =
          SdNotify.from(Map.of("NOTIFY_SOCKET", path, "WATCHDOG_USEC", "100000"), PID);
      AtomicBoolean alive = new AtomicBoolean(true);
      Optional<ScheduledFuture<?>> pings = notify.keepAlive(executor, alive::get);
      assertThat(pings).isPresent();
      assertThat(systemd.receive()).isEqualTo("WATCHDOG=1");
      assertThat(systemd.receive()).isEqualTo("WATCHDOG=1");
      alive.set(false);
      pings.get().cancel(false);
    } finally {
      executor.shutdownNow();
    }
    // Stuck: a fresh socket gets nothing within its timeout.
    String path2 = dir.resolve("notify2").toString();
    ScheduledExecutorService executor2 = Executors.newSingleThreadScheduledExecutor();
    try (NotifySocket systemd = new NotifySocket(path2, 1)) {
      SdNotify notify =
          SdNotify.from(Map.of("NOTIFY_SOCKET", path2, "WATCHDOG_USEC", "100000"), PID);
      notify.keepAlive(executor2, () -> false);
      assertThatThrownBy(systemd::receive)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("recv");
    } finally {
      executor2.shutdownNow();
    }
  }

  @Test
  void theStatusLineNamesEveryInstanceStateAndPriority() {
    var master = java.net.InetAddress.ofLiteral("198.18.0.11");
    var routers =
        java.util.List.of(
            new org.vrrpagent.core.engine.RouterStatus(
                "rdns0",
                org.vrrpagent.core.fsm.VrrpState.MASTER,
                250,
                250,
                master,
                250,
                100,
                null,
                1),
            new org.vrrpagent.core.engine.RouterStatus(
                "rdns1",
                org.vrrpagent.core.fsm.VrrpState.BACKUP,
                200,
                150,
                master,
                250,
                100,
                null,
                1));
    assertThat(SdNotify.describe(routers)).isEqualTo("rdns0 MASTER 250, rdns1 BACKUP 150");
    assertThat(SdNotify.describe(java.util.List.of())).isEqualTo("no instances");
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    var m = new java.util.HashMap<>(base);
    m.put(key, value);
    return m;
  }
}
