package org.vrrpagent.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.fsm.VrrpState;
import org.vrrpagent.core.io.InMemoryAddressTable;
import org.vrrpagent.core.io.InMemoryTransport;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.RecordingNeighborAnnouncer;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.IpContext;

/**
 * A router bound without virtual addresses (an instance that publishes its master in DNS): its
 * adverts carry the state machine's address list, but as MASTER it adds no address to the interface
 * and announces none.
 */
class EngineAdvertOnlyTest {
  private static final InetAddress ME = InetAddress.ofLiteral("198.18.0.1");
  private static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.2");
  private static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");
  private Engine engine;

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void aMasterWithoutInstalledAddressesAdvertisesTheListButAddsAndAnnouncesNothing()
      throws Exception {
    InMemoryAddressTable table =
        new InMemoryAddressTable().addInterface("eth0", new InterfaceAddress(ME, 24));
    RecordingNeighborAnnouncer announcer = new RecordingNeighborAnnouncer();
    engine = new Engine(table, announcer, new EngineListener() {});
    InMemoryTransport transport = new InMemoryTransport("eth0", ME, p -> engine.receive("eth0", p));
    RouterConfig config = RouterConfig.v3("www", 10, 200, 10, List.of(ME, PEER), ME);
    engine.add(
        new RouterBinding(
            config,
            "eth0",
            "eth0",
            transport,
            List.of(),
            List.of(),
            GROUP,
            ChecksumMode.PSEUDO_HEADER,
            AnnounceSchedule.KEEPALIVED_DEFAULTS));
    engine.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.status().getFirst().state() == VrrpState.MASTER);
    await().atMost(Duration.ofSeconds(5)).until(() -> transport.sent().size() >= 3);
    for (InMemoryTransport.Sent s : transport.sent()) {
      var advert =
          AdvertisementCodec.decode(s.vrrpMessage(), new IpContext(ME, GROUP, 255, true))
              .advertisement();
      assertThat(advert.addresses()).containsExactly(ME, PEER);
    }
    assertThat(table.changes()).isEmpty();
    assertThat(table.list("eth0")).containsExactly(new InterfaceAddress(ME, 24));
    assertThat(announcer.announcements()).isEmpty();
  }
}
