package org.vrrpagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.checks.CheckSpec;
import org.vrrpagent.checks.DnsProbeSpec;
import org.vrrpagent.checks.HttpProbeSpec;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.ChecksumMode;
import org.vrrpagent.core.wire.VrrpVersion;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final String MINIMAL =
      """
      instances:
        dns0:
          interface: eth0
          vrid: 51
          addresses: [198.18.0.100/24]
      """;

  @Test
  void minimalInstanceGetsTheDocumentedDefaults() throws Exception {
    Config c = ConfigLoader.parse("t.yaml", MINIMAL);
    InstanceConfig i = c.instances().get("dns0");
    assertThat(c.node()).isEqualTo(ConfigLoader.defaultNodeName());
    assertThat(i.version()).isEqualTo(VrrpVersion.V3);
    assertThat(i.priority()).isEqualTo(100);
    assertThat(i.advertInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(i.advertIntervalCentis()).isEqualTo(100);
    assertThat(i.preempt()).isTrue();
    assertThat(i.fastPreempt()).isFalse();
    assertThat(i.checksum()).isEqualTo(ChecksumMode.PSEUDO_HEADER);
    assertThat(i.garp()).isEqualTo(GarpConfig.DEFAULT);
    assertThat(i.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(i.addresses())
        .containsExactly(new VirtualAddress(InetAddress.ofLiteral("198.18.0.100"), 24));
    assertThat(i.auth()).isEmpty();
    assertThat(i.resignBelow()).isEmpty();
    assertThat(c.control()).isEqualTo(ControlConfig.DEFAULT);
    assertThat(c.notifications()).isEqualTo(NotifyConfig.NONE);
  }

  @Test
  void theIssueExampleLoadsWithEveryKeyTyped() throws Exception {
    Config c =
        ConfigLoader.parse(
            "t.yaml",
            """
        node: h1
        checks:
          named_ok:
            dns: { server: 127.0.0.1, name: cam.ac.uk, type: TXT }
            interval: 1s
            timeout: 1s
            rise: 2
            fall: 2
          web:
            http: { url: "https://127.0.0.1/index.txt", host: www.example.org, expect-status: 200, body-contains: "Welcome to" }
          named_running:
            process: { name: named }
        instances:
          dns0:
            interface: eth0
            vrid: 51
            version: 2
            priority: 100
            advert-interval: 2s
            preempt: true
            preempt-delay: 0s
            fast-preempt: false
            addresses: [198.18.0.100/24]
            source: 198.18.0.11
            unicast-peers: [198.18.0.12]
            auth: { type: pass, password: secret12 }
            garp: { delay: 5s, repeat: 5, refresh: 0s }
            track:
              - { check: named_ok, weight: -60 }
              - { check: web, weight: 20 }
              - { check: named_running }
              - { check: web, weight: -20, reverse: true }
            resign-below: 90
          dns1:
            interface: eth0
            vrid: 52
            addresses: [fd00:198:18::53/64]
            advert-interval: 100ms
            priority-order: { file: /etc/vrrp-agent/priority.testdns, ranks: [250, 200, 150, 100], reverse: true, unlisted: 50 }
        sync-groups:
          dns: [dns0, dns1]
        """);
    InstanceConfig dns0 = c.instances().get("dns0");
    assertThat(c.node()).isEqualTo("h1");
    assertThat(dns0.version()).isEqualTo(VrrpVersion.V2);
    assertThat(dns0.checksum()).isEqualTo(ChecksumMode.MESSAGE_ONLY);
    assertThat(dns0.auth()).contains(new AuthConfig(AuthType.SIMPLE_TEXT, "secret12"));
    assertThat(dns0.unicastPeers()).containsExactly(InetAddress.ofLiteral("198.18.0.12"));
    assertThat(dns0.source()).contains(InetAddress.ofLiteral("198.18.0.11"));
    assertThat(dns0.track())
        .containsExactly(
            new TrackConfig("named_ok", -60, false), new TrackConfig("web", 20, false),
            new TrackConfig("named_running", 0, false), new TrackConfig("web", -20, true));
    assertThat(dns0.resignBelow()).isEqualTo(OptionalInt.of(90));
    InstanceConfig dns1 = c.instances().get("dns1");
    assertThat(dns1.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(dns1.advertIntervalCentis()).isEqualTo(10);
    assertThat(dns1.priorityOrder())
        .contains(
            new PriorityOrderConfig(
                Path.of("/etc/vrrp-agent/priority.testdns"),
                List.of(250, 200, 150, 100),
                true,
                OptionalInt.of(50)));
    assertThat(c.syncGroups().get("dns").instances()).containsExactly("dns0", "dns1");
    CheckSpec named = c.checks().get("named_ok");
    assertThat(named.rise()).isEqualTo(2);
    assertThat(named.probe())
        .isInstanceOfSatisfying(
            DnsProbeSpec.class,
            d -> {
              assertThat(d.server()).isEqualTo("127.0.0.1");
              assertThat(d.serverAddress().getPort()).isEqualTo(53);
              assertThat(d.type()).isEqualTo("TXT");
              assertThat(d.expectRcode()).isEqualTo("NOERROR");
            });
    CheckSpec web = c.checks().get("web");
    assertThat(web.timeout()).as("timeout defaults to the interval").isEqualTo(web.interval());
    assertThat(web.probe())
        .isInstanceOfSatisfying(
            HttpProbeSpec.class,
            h -> {
              assertThat(h.host()).isEqualTo("www.example.org");
              assertThat(h.expectStatus()).containsExactly("200");
              assertThat(h.tlsVerify()).isTrue();
            });
    assertThat(c.instances().keySet()).as("file order is kept").containsExactly("dns0", "dns1");
  }

  @Test
  void theSameVridOnOneInterfaceIsFineInTheOtherFamily() throws Exception {
    Config c =
        ConfigLoader.parse(
            "t.yaml",
            MINIMAL
                + """
          dns0-v6:
            interface: eth0
            vrid: 51
            addresses: [fd00:198:18::100/64]
        """);
    assertThat(c.instances()).hasSize(2);
  }

  @Test
  void durationsAcceptEveryDocumentedUnit() {
    assertThat(DurationSyntax.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationSyntax.parse("1s")).isEqualTo(Duration.ofSeconds(1));
    assertThat(DurationSyntax.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationSyntax.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationSyntax.parse("14d")).isEqualTo(Duration.ofDays(14));
    assertThat(DurationSyntax.format(Duration.ofMillis(40950))).isEqualTo("40950ms");
    assertThat(DurationSyntax.format(Duration.ofMinutes(2))).isEqualTo("2m");
  }

  @Test
  void aMissingFileIsOneClearError() {
    Path missing = dir.resolve("nope.yaml");
    assertThatExceptionOfType(ConfigException.class)
        .isThrownBy(() -> ConfigLoader.load(missing))
        .satisfies(
            e ->
                assertThat(e.errors())
                    .extracting(ConfigError::toString)
                    .containsExactly(
                        missing + ": cannot read: no such file (expected: a readable file)"));
  }

  @Test
  void anOversizedFileIsRefusedBeforeParsing() throws Exception {
    Path big = dir.resolve("big.yaml");
    Files.write(big, new byte[ConfigLoader.MAX_CONFIG_BYTES + 1]);
    assertThatExceptionOfType(ConfigException.class)
        .isThrownBy(() -> ConfigLoader.load(big))
        .satisfies(
            e ->
                assertThat(e.errors().getFirst().message())
                    .startsWith("larger than 1048576 bytes"));
  }

  @Test
  void binaryJunkIsRefused() throws Exception {
    Path junk = dir.resolve("junk.yaml");
    Files.write(junk, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, 0, 1});
    assertThatExceptionOfType(ConfigException.class)
        .isThrownBy(() -> ConfigLoader.load(junk))
        .satisfies(
            e ->
                assertThat(e.errors())
                    .extracting(ConfigError::message)
                    .containsExactly("is not UTF-8 text (expected: a UTF-8 YAML file)"));
    Files.write(junk, "a: \0\n".getBytes(StandardCharsets.UTF_8));
    assertThatExceptionOfType(ConfigException.class)
        .isThrownBy(() -> ConfigLoader.load(junk))
        .satisfies(
            e ->
                assertThat(e.errors())
                    .extracting(ConfigError::message)
                    .containsExactly(
                        "contains a NUL byte at offset 3 (expected: a YAML text file)"));
  }

  @Test
  void deepNestingIsAProblemNotAStackOverflow() {
    String deep = "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
    assertThatExceptionOfType(ConfigException.class)
        .isThrownBy(() -> ConfigLoader.parse("t.yaml", deep))
        .satisfies(e -> assertThat(e.errors().getFirst().message()).startsWith("YAML syntax:"));
  }

  @Test
  void fileRulesReportAtTheLineNamingTheProgram() {
    FileRules refuseAll =
        new FileRules() {
          @Override
          public java.util.Optional<String> executable(Path program) {
            return java.util.Optional.of("program " + program + " refused (expected: test)");
          }
        };
    Path config = dir.resolve("hooks.yaml");
    assertThatExceptionOfType(ConfigException.class)
        .isThrownBy(
            () -> {
              Files.writeString(
                  config,
                  MINIMAL
                      + """
          notify:
            hooks:
              - exec: [/etc/vrrp-agent/notify, x]
          """);
              ConfigLoader.load(config, refuseAll);
            })
        .satisfies(
            e ->
                assertThat(e.errors())
                    .extracting(ConfigError::toString)
                    .containsExactly(
                        config + ":8:14: program /etc/vrrp-agent/notify refused (expected: test)"));
  }
}
