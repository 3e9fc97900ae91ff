package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InboundPacket;
import org.vrrpagent.core.lab.Keepalived;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.Advertisement;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;
import org.vrrpagent.core.wire.ReceivedAdvertisement;
import org.vrrpagent.core.wire.VrrpVersion;

/**
 * A real keepalived (Debian's) as master in host 1; our transport and codec in host 2. We decode
 * its VRRPv3 IPv4, VRRPv2 PASS and VRRPv3 IPv6 adverts, and it accepts ours: a higher-priority
 * advert from us makes it give up its virtual address (which it only does for an advert whose
 * checksum, auth and format it accepted).
 */
class KeepalivedInteropLabTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final InetAddress GROUP_V4 = InetAddress.ofLiteral("224.0.0.18");
  private static final InetAddress GROUP_V6 = InetAddress.ofLiteral("ff02::12");
  private static final List<InetAddress> VIPS_51 =
      List.of(InetAddress.ofLiteral("198.18.0.100"), InetAddress.ofLiteral("198.18.0.101"));
  private static final List<InetAddress> VIPS_52 = List.of(InetAddress.ofLiteral("198.18.0.102"));
  private static final List<InetAddress> VIPS_53 =
      List.of(InetAddress.ofLiteral("fd00:198:18::100"));
  private static final byte[] PASS = "secret12".getBytes(StandardCharsets.US_ASCII);

  private static final String CONFIG =
      """
      global_defs {
        router_id lab-h1
      }
      vrrp_instance v3ipv4 {
        state MASTER
        interface eth0
        virtual_router_id 51
        priority 100
        advert_int 1
        version 3
        virtual_ipaddress {
          198.18.0.100/24
          198.18.0.101/24
        }
      }
      vrrp_instance v2auth {
        state MASTER
        interface eth0
        virtual_router_id 52
        priority 150
        advert_int 1
        version 2
        authentication {
          auth_type PASS
          auth_pass secret12
        }
        virtual_ipaddress {
          198.18.0.102/24
        }
      }
      vrrp_instance v3ipv6 {
        state MASTER
        interface eth0
        virtual_router_id 53
        priority 120
        advert_int 0.5
        version 3
        virtual_ipaddress {
          fd00:198:18::100/64
        }
      }
      """;

  private static NetnsLab lab;
  private static NetnsLab.LabProcess keepalived;
  private static RawSocketTransport v4;
  private static RawSocketTransport v6;

  /** The last advert decoded per VRID. */
  private static final Map<Integer, ReceivedAdvertisement> heard = new ConcurrentHashMap<>();

  private static final Map<Integer, InboundPacket> packets = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    lab = NetnsLab.create(2);
    v4 =
        lab.inNamespace(
            2,
            () ->
                RawSocketTransport.open(
                    RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV4),
                    KeepalivedInteropLabTest::hear));
    v6 =
        lab.inNamespace(
            2,
            () ->
                RawSocketTransport.open(
                    RawSocketTransport.Options.multicast("eth0", AddressFamily.IPV6),
                    KeepalivedInteropLabTest::hear));
    keepalived = Keepalived.start(lab, 1, CONFIG);
  }

  private static void hear(InboundPacket p) {
    try {
      ReceivedAdvertisement r =
          AdvertisementCodec.decode(
              p.vrrpMessage(), new IpContext(p.source(), p.destination(), p.ttlOrHopLimit()));
      heard.put(r.advertisement().vrid(), r);
      packets.put(r.advertisement().vrid(), p);
    } catch (MalformedAdvertisementException e) {
      throw new AssertionError("keepalived's advert did not decode: " + e.getMessage(), e);
    }
  }

  @AfterAll
  static void stop() {
    if (v4 != null) {
      v4.close();
    }
    if (v6 != null) {
      v6.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private static String describe() {
    return "keepalived output:\n" + keepalived.output();
  }

  @Test
  void weDecodeKeepalivedsAdvertsOfAllThreeKinds() {
    Awaitility.await("adverts for VRID 51, 52, 53")
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(heard.keySet()).as(describe()).contains(51, 52, 53));

    Advertisement a51 = heard.get(51).advertisement();
    assertThat(a51.version()).isEqualTo(VrrpVersion.V3);
    assertThat(a51.priority()).isEqualTo(100);
    assertThat(a51.maxAdvertIntervalCentis()).isEqualTo(100);
    assertThat(a51.addresses()).isEqualTo(VIPS_51);
    assertThat(heard.get(51).source()).isEqualTo(lab.ipv4(1));
    assertThat(packets.get(51).ttlOrHopLimit()).isEqualTo(255);

    Advertisement a52 = heard.get(52).advertisement();
    assertThat(a52.version()).isEqualTo(VrrpVersion.V2);
    assertThat(a52.authType()).isEqualTo(AuthType.SIMPLE_TEXT);
    assertThat(a52.authData()).isEqualTo(PASS);
    assertThat(a52.addresses()).isEqualTo(VIPS_52);

    Advertisement a53 = heard.get(53).advertisement();
    assertThat(a53.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(a53.priority()).isEqualTo(120);
    assertThat(a53.maxAdvertIntervalCentis()).isEqualTo(50);
    assertThat(a53.addresses()).isEqualTo(VIPS_53);
    assertThat(heard.get(53).source().isLinkLocalAddress()).isTrue();
    assertThat(packets.get(53).destination()).isEqualTo(GROUP_V6);
    assertThat(packets.get(53).ttlOrHopLimit()).isEqualTo(255);
  }

  @Test
  void keepalivedYieldsToOurHigherPriorityAdvertsOfAllThreeKinds() throws Exception {
    // keepalived is master of all three: it holds the virtual addresses.
    Awaitility.await("keepalived holds its virtual addresses")
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(lab.execChecked(1, "ip", "addr", "show", "dev", "eth0"))
                    .as(describe())
                    .contains("198.18.0.100/24", "198.18.0.102/24", "fd00:198:18::100/64"));

    byte[] m51 =
        AdvertisementCodec.encode(
            Advertisement.v3(51, 200, 100, VIPS_51),
            v4.sourceAddress(),
            GROUP_V4,
            ChecksumMode.PSEUDO_HEADER);
    byte[] m52 =
        AdvertisementCodec.encode(
            Advertisement.v2(52, 200, 1, VIPS_52, AuthType.SIMPLE_TEXT, PASS),
            v4.sourceAddress(),
            GROUP_V4,
            ChecksumMode.MESSAGE_ONLY);
    byte[] m53 =
        AdvertisementCodec.encode(
            Advertisement.v3(53, 200, 50, VIPS_53),
            v6.sourceAddress(),
            GROUP_V6,
            ChecksumMode.PSEUDO_HEADER);
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    try {
      sender.scheduleAtFixedRate(
          () -> {
            v4.send(m51, GROUP_V4);
            v4.send(m52, GROUP_V4);
            v6.send(m53, GROUP_V6);
          },
          0,
          200,
          TimeUnit.MILLISECONDS);
      Awaitility.await("keepalived gives up all three virtual addresses")
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(lab.execChecked(1, "ip", "addr", "show", "dev", "eth0"))
                      .as(describe())
                      .doesNotContain(
                          "198.18.0.100/24",
                          "198.18.0.101/24",
                          "198.18.0.102/24",
                          "fd00:198:18::100/64"));
      // Not because it died (a stopping keepalived removes its addresses too): it stepped down.
      assertThat(keepalived.process().isAlive()).as(describe()).isTrue();
      assertThat(keepalived.output())
          .as(describe())
          .contains(
              "(v3ipv4) Entering BACKUP STATE",
              "(v2auth) Entering BACKUP STATE",
              "(v3ipv6) Entering BACKUP STATE");
    } finally {
      sender.shutdownNow();
      sender.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
