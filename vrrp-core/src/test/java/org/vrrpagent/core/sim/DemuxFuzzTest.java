package org.vrrpagent.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.vrrpagent.core.carp.CarpAdvertisement;
import org.vrrpagent.core.carp.CarpCodec;
import org.vrrpagent.core.carp.CarpConfig;
import org.vrrpagent.core.carp.CarpDigest;
import org.vrrpagent.core.engine.EngineListener;
import org.vrrpagent.core.fsm.RouterConfig;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.DropReason;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;

/**
 * Fuzzes the receive demultiplexer of the production engine: one socket carries a VRRPv3 router
 * (VRID 60) and a CARP router (vhid 60). Properties: every packet is either accepted by exactly one
 * router or dropped with a reason, never fails the engine; a packet shaped as CARP ({@link
 * CarpCodec#isCarp}) only ever reaches the CARP router and anything else only the VRRP one; a CARP
 * packet is only accepted when its digest verifies.
 *
 * <p>{@code ./mvnw test} replays the corpus in {@code
 * src/test/resources/org/vrrpagent/core/sim/DemuxFuzzTestInputs/}; to fuzz: {@code JAZZER_FUZZ=1
 * ./mvnw -pl vrrp-core test -Dtest=DemuxFuzzTest}.
 */
class DemuxFuzzTest {
  private static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.9");
  private static final InetAddress GROUP = InetAddress.ofLiteral("224.0.0.18");

  /** What the engine told its listener about one packet. */
  private record Heard(String router, DropReason reason, boolean accepted) {}

  private static final List<Heard> heard = new ArrayList<>();
  private static SimulatedLan lan;
  private static SimulatedHost host;

  /** A CARP advert for vhid 60 that our passphrase and addresses verify. */
  private static boolean verifies(byte[] message) {
    try {
      CarpAdvertisement a = CarpCodec.decode(message, new IpContext(PEER, GROUP, 255));
      return a.vhid() == 60
          && CarpDigest.forPassphrase("secret")
              .verify(a, List.of(InetAddress.ofLiteral("198.18.0.110")));
    } catch (MalformedAdvertisementException e) {
      return false;
    }
  }

  private static void setUp() {
    if (lan != null) {
      return;
    }
    lan = new SimulatedLan(1);
    host =
        lan.addHost(
                "a",
                RouterConfig.v3(
                    "vi",
                    60,
                    100,
                    100,
                    List.of(InetAddress.ofLiteral("198.18.0.120")),
                    InetAddress.ofLiteral("198.18.0.1")))
            .addCarpRouter(
                new CarpConfig(
                    "ns",
                    60,
                    1,
                    100,
                    false,
                    "secret",
                    List.of(InetAddress.ofLiteral("198.18.0.110")),
                    InetAddress.ofLiteral("198.18.0.1"),
                    1))
            .listen(
                new EngineListener() {
                  @Override
                  public void advertReceived(String router) {
                    heard.add(new Heard(router, null, true));
                  }

                  @Override
                  public void dropped(String router, DropReason reason, String detail) {
                    heard.add(new Heard(router, reason, false));
                  }
                });
    host.start();
    lan.runFor(500_000_000L);
  }

  @FuzzTest(maxDuration = "30s")
  void eachPacketReachesOnlyItsProtocolsRouterOrIsDroppedWithAReason(FuzzedDataProvider data) {
    setUp();
    int ttl = data.consumeBoolean() ? 255 : data.consumeInt(0, 255);
    byte[] message = data.consumeRemainingAsBytes();
    heard.clear();
    int failures = lan.failures().size();
    host.engine()
        .receive(
            new SimulatedHost.TransportKey(SimulatedHost.INTERFACE, AddressFamily.IPV4),
            new InboundPacket(message, PEER, GROUP, ttl, lan.now()));
    lan.runFor(1_000_000L);

    assertThat(lan.failures()).hasSize(failures);
    assertThat(heard).hasSize(1);
    Heard h = heard.getFirst();
    if (h.router() != null) {
      assertThat(h.router()).isEqualTo(CarpCodec.isCarp(message) ? "ns" : "vi");
    }
    if (CarpCodec.isCarp(message)) {
      assertThat(h.reason())
          .as("a CARP message is never judged as VRRP")
          .isNotEqualTo(DropReason.NOT_VRRP);
    }
    if (ttl == 255 && verifies(message)) {
      assertThat(h).isEqualTo(new Heard("ns", null, true));
    }
  }
}
