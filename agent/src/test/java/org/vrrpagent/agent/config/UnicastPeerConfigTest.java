package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.daemon.EngineAssemblyAccess;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.wire.TtlWindow;

/**
 * {@code unicast-peers} entries: an address or {@code { address, min-ttl, max-ttl }}, and the rule
 * that a peer with the RFC's TTL 255 must be on the instance's link (docs/geo-failover.md).
 */
class UnicastPeerConfigTest {
  @TempDir Path dir;

  /** A host whose eth0 has 198.18.1.1/24 (the rules' view of the interface, nothing else). */
  private static final FileRules SITE_A =
      new FileRules() {
        @Override
        public LinkFacts link(String name) {
          return name.equals("eth0")
              ? new LinkFacts.Present(List.of(InterfaceAddress.parse("198.18.1.1/24")))
              : new LinkFacts.Missing();
        }
      };

  private Path write(String peers) throws IOException {
    return write("eth0", "[198.18.1.100/24]", peers);
  }

  private Path write(String iface, String addresses, String peers) throws IOException {
    Path f = dir.resolve("agent.yaml");
    Files.writeString(
        f,
        """
        node: a
        instances:
          www:
            interface: %s
            vrid: 10
            addresses: %s
            unicast-peers: %s
        """
            .formatted(iface, addresses, peers));
    return f;
  }

  private List<String> problems(Path f, FileRules rules) {
    try {
      ConfigLoader.load(f, rules);
      return List.of();
    } catch (ConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
  }

  @Test
  void anAddressAndAMappingParseWithTheirWindows() throws Exception {
    Config c =
        ConfigLoader.load(
            write(
                "[198.18.1.2, { address: 198.18.2.2, min-ttl: 240 },"
                    + " { address: 198.18.3.2, min-ttl: 200, max-ttl: 250 }]"),
            SITE_A);
    InstanceConfig www = c.instances().get("www");
    assertThat(www.unicastPeers())
        .containsExactly(
            InetAddress.ofLiteral("198.18.1.2"),
            InetAddress.ofLiteral("198.18.2.2"),
            InetAddress.ofLiteral("198.18.3.2"));
    assertThat(www.receive().peerTtl())
        .isEqualTo(
            Map.of(
                InetAddress.ofLiteral("198.18.2.2"), new TtlWindow(240, 255),
                InetAddress.ofLiteral("198.18.3.2"), new TtlWindow(200, 250)));
    assertThat(www.receive().ttlWindow(InetAddress.ofLiteral("198.18.1.2")))
        .isEqualTo(TtlWindow.RFC);
    assertThat(EngineAssemblyAccess.peerTtlOfBinding(www))
        .containsEntry(InetAddress.ofLiteral("198.18.2.2"), new TtlWindow(240, 255))
        .doesNotContainKey(InetAddress.ofLiteral("198.18.1.2"));
  }

  @Test
  void badWindowsAreRefusedAtTheirLine() throws Exception {
    Path f =
        write(
            "[{ address: 198.18.2.2, min-ttl: 250, max-ttl: 240 }, { address: 198.18.3.2,"
                + " min-ttl: 256 }, { address: 198.18.4.2, min_ttl: 240 }, { min-ttl: 1 }]");
    assertThat(problems(f, FileRules.NONE))
        .anySatisfy(p -> assertThat(p).contains("max-ttl 240 is below min-ttl 250"))
        .anySatisfy(p -> assertThat(p).contains("min-ttl").contains("0..255"))
        .anySatisfy(p -> assertThat(p).contains("min_ttl").contains("min-ttl"))
        .anySatisfy(p -> assertThat(p).contains("address"))
        .allSatisfy(p -> assertThat(p).startsWith(f + ":7:"));
  }

  @Test
  void aPeerOffTheLinkWithTtl255IsRefusedWithTheReason() throws Exception {
    Path f = write("[198.18.2.2]");
    assertThat(problems(f, SITE_A))
        .containsExactly(
            f
                + ":7:21: unicast peer 198.18.2.2 is not on a subnet of eth0 [198.18.1.1/24]"
                + " (expected: a peer on the link, or min-ttl below 255 for a peer across routers:"
                + " its adverts arrive with TTL < 255, are dropped, and both ends become master)");
    assertThat(problems(write("[{ address: 198.18.2.2, min-ttl: 254 }]"), SITE_A)).isEmpty();
  }

  @Test
  void onLinkMeansASubnetOfTheInterfaceOrOfAVirtualAddress() throws Exception {
    assertThat(problems(write("[198.18.1.2]"), SITE_A)).isEmpty();
    // Not on eth0's subnet on this host, but in the virtual address's: the master puts it there.
    assertThat(problems(write("eth0", "[198.18.9.100/24]", "[198.18.9.2]"), SITE_A)).isEmpty();
  }

  @Test
  void aMissingInterfaceIsRefusedOnTheHostAndNotLookedAtWithSyntaxOnly() throws Exception {
    Path f = write("eth7", "[198.18.1.100/24]", "[198.18.2.2]");
    assertThat(problems(f, SITE_A))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .contains("interface eth7 does not exist on this host")
                    .contains("min-ttl below 255"));
    assertThat(problems(f, FileRules.NONE)).isEmpty();
  }

  @Test
  void theHostRulesReadTheRealInterfaces() throws Exception {
    // No interface of that name exists here: what the daemon could not open, validate refuses.
    Path f = write("vrrpnope0", "[198.18.1.100/24]", "[198.18.2.2]");
    assertThat(problems(f, new ScriptSecurity(false)))
        .singleElement()
        .satisfies(p -> assertThat(p).contains("interface vrrpnope0 does not exist on this host"));
    assertThat(new ScriptSecurity(false).link("lo"))
        .isInstanceOfSatisfying(
            FileRules.LinkFacts.Present.class,
            p ->
                assertThat(p.addresses())
                    .anySatisfy(a -> assertThat(a.toString()).isEqualTo("127.0.0.1/8")));
  }

  @Test
  void theDefaultIsUnchangedForLanUsers() throws Exception {
    Config c = ConfigLoader.load(write("[198.18.1.2]"), SITE_A);
    assertThat(c.instances().get("www").receive()).isEqualTo(ReceiveConfig.DEFAULT);
  }
}
