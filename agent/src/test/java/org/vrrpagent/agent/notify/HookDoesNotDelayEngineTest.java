package org.vrrpagent.agent.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;
import org.vrrpagent.agent.daemon.EngineAssembly;
import org.vrrpagent.core.engine.Engine;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.fsm.Action;
import org.vrrpagent.core.io.InMemoryAddressTable;
import org.vrrpagent.core.io.InMemoryTransport;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.RecordingNeighborAnnouncer;
import org.vrrpagent.core.io.Transport;

/**
 * The real engine on its real clock, with notifications as its listener and a hook that hangs: the
 * master keeps advertising on time while the hook runs.
 */
class HookDoesNotDelayEngineTest {
  @TempDir Path dir;

  @Test
  void aMasterKeepsAdvertisingWhileItsHookHangs() throws Exception {
    Path started = dir.resolve("started");
    Path finished = dir.resolve("finished");
    Path hook =
        NotifyFixtures.script(
            dir, "hang", "touch %s\nsleep 5\ntouch %s\n".formatted(started, finished));
    Config config =
        ConfigLoader.parse(
            "test.yaml",
            """
        node: ns1
        instances:
          dns0:
            interface: eth0
            vrid: 51
            priority: 200
            advert-interval: 100ms
            addresses: [198.18.0.100/24]
        notify:
          hooks:
            - exec: [%s]
              timeout: 30s
        """
                .formatted(hook));
    List<Long> sendTimes = new CopyOnWriteArrayList<>();
    try (Notifications notifications =
        Notifications.start(config, StatusSource.NONE, NotifyFixtures.options())) {
      EngineListener listener =
          new EngineListener() {
            @Override
            public void stateChanged(String router, Action.StateChanged change) {
              notifications.stateChanged(router, change);
            }

            @Override
            public void advertSent(String router, int priority) {
              sendTimes.add(System.nanoTime());
            }
          };
      InMemoryAddressTable addresses =
          new InMemoryAddressTable()
              .addInterface("eth0", new InterfaceAddress(InetAddress.getByName("198.18.0.1"), 24));
      InetAddress primary = InetAddress.getByName("198.18.0.1");
      Engine engine = new Engine(addresses, new RecordingNeighborAnnouncer(), listener);
      Map<EngineAssembly.TransportKey, Transport> transports =
          EngineAssembly.assemble(
              config,
              engine,
              (key, e) -> new InMemoryTransport(key.interfaceName(), primary, p -> {}),
              Map.of());
      try {
        engine.start();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> Files.exists(started)); // BACKUP -> MASTER ran the hook
        int before = sendTimes.size();
        long from = System.nanoTime();
        // 20 adverts at 100 ms while the hook (5 s) is still running
        await().atMost(Duration.ofSeconds(4)).until(() -> sendTimes.size() >= before + 20);
        assertThat(Files.exists(finished)).as("the hook was still running").isFalse();
        long maxGapMillis = 0;
        List<Long> window = sendTimes.subList(before, sendTimes.size());
        for (int i = 1; i < window.size(); i++) {
          maxGapMillis = Math.max(maxGapMillis, (window.get(i) - window.get(i - 1)) / 1_000_000);
        }
        System.out.printf(
            "while a hook hung: %d adverts in %d ms, largest gap %d ms (interval 100 ms)%n",
            window.size(), (System.nanoTime() - from) / 1_000_000, maxGapMillis);
        // Loose on purpose (2 shared cores): a listener that waited for the 5 s hook would show a
        // gap of seconds.
        assertThat(maxGapMillis).isLessThan(1000);
      } finally {
        engine.shutdown(Duration.ofSeconds(3));
        transports.values().forEach(Transport::close);
      }
    }
  }
}
