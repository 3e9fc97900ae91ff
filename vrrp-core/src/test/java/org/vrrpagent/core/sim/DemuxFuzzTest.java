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
 * Fuzzes the receive demultiplexer of the production engine: per address family one socket carries
 * a VRRPv3 router (VRID 60) and a CARP router (vhid 60), IPv4 and IPv6 on the same interface.
 * Properties: every packet is either accepted by exactly one router or dropped with a reason, never
 * fails the engine; a packet shaped as CARP ({@link CarpCodec#isCarp}) only ever reaches the CARP
 * router of the socket's family and anything else only the VRRP one of that family; a CARP packet
 * is only accepted when its digest verifies.
 *
 * <p>{@code ./mvnw test} replays the corpus in {@code
 * src/test/resources/org/vrrpagent/core/sim/DemuxFuzzTestInputs/}; to fuzz: {@code JAZZER_FUZZ=1
 * ./mvnw -pl vrrp-core test -Dtest=DemuxFuzzTest}.
 */
class DemuxFuzzTest {
  /** Per family (IPv4, IPv6): the sender, the group, the routers and their addresses. */
  private static final InetAddress[] PEER = perFamily("198.18.0.9", "fe80::9");

  private static final InetAddress[] GROUP = perFamily("224.0.0.18", "ff02::12");
  private static final AddressFamily[] FAMILY = {AddressFamily.IPV4, AddressFamily.IPV6};
  private static final String[] VRRP_ROUTER = {"vi", "vi6"};
  private static final String[] CARP_ROUTER = {"ns", "ns6"};
  private static final InetAddress[] CARP_ADDRESS = perFamily("198.18.0.110", "fd00:198:18::110");
  private static final InetAddress[] VRRP_ADDRESS = perFamily("198.18.0.120", "fd00:198:18::120");

  /** Our own address on the link (IPv6: link-local). */
  private static final InetAddress[] PRIMARY = perFamily("198.18.0.1", "fe80::1");

  private static InetAddress[] perFamily(String ipv4, String ipv6) {
    return new InetAddress[] {InetAddress.ofLiteral(ipv4), InetAddress.ofLiteral(ipv6)};
  }

  /** What the engine told its listener about one packet. */
  private record Heard(String router, DropReason reason, boolean accepted) {}

  private static final List<Heard> heard = new ArrayList<>();
  private static SimulatedLan lan;
  private static SimulatedHost host;

  /** A CARP advert for vhid 60 that our passphrase and the family's addresses verify. */
  private static boolean verifies(byte[] message, int family) {
    try {
      CarpAdvertisement a =
          CarpCodec.decode(message, new IpContext(PEER[family], GROUP[family], 255));
      return a.vhid() == 60
          && CarpDigest.forPassphrase("secret").verify(a, List.of(CARP_ADDRESS[family]));
    } catch (MalformedAdvertisementException e) {
      return false;
    }
  }

  private static void setUp() {
    if (lan != null) {
      return;
    }
    lan = new SimulatedLan(1);
    host = lan.addHost("a");
    for (int family = 0; family < 2; family++) {
      host.addRouter(
          RouterConfig.v3(
              VRRP_ROUTER[family], 60, 100, 100, List.of(VRRP_ADDRESS[family]), PRIMARY[family]));
      host.addCarpRouter(
          new CarpConfig(
              CARP_ROUTER[family],
              60,
              1,
              100,
              false,
              "secret",
              List.of(CARP_ADDRESS[family]),
              PRIMARY[family],
              1));
    }
    host.listen(
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
    int family = data.consumeBoolean() ? 1 : 0;
    int ttl = data.consumeBoolean() ? 255 : data.consumeInt(0, 255);
    byte[] message = data.consumeRemainingAsBytes();
    heard.clear();
    int failures = lan.failures().size();
    host.engine()
        .receive(
            new SimulatedHost.TransportKey(SimulatedHost.INTERFACE, FAMILY[family]),
            new InboundPacket(message, PEER[family], GROUP[family], ttl, lan.now()));
    lan.runFor(1_000_000L);

    assertThat(lan.failures()).hasSize(failures);
    assertThat(heard).hasSize(1);
    Heard h = heard.getFirst();
    if (h.router() != null) {
      assertThat(h.router())
          .isEqualTo(CarpCodec.isCarp(message) ? CARP_ROUTER[family] : VRRP_ROUTER[family]);
    }
    if (CarpCodec.isCarp(message)) {
      assertThat(h.reason())
          .as("a CARP message is never judged as VRRP")
          .isNotEqualTo(DropReason.NOT_VRRP);
    }
    if (ttl == 255 && verifies(message, family)) {
      assertThat(h).isEqualTo(new Heard(CARP_ROUTER[family], null, true));
    }
  }
}
