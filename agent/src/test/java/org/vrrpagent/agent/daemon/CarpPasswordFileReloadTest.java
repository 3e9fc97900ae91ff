package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;

/**
 * A CARP instance's {@code password-file} is read at every load, so a reload sees a changed file as
 * a changed instance (rebuilt with the new passphrase) and an unchanged one as unchanged (kept
 * running). The lab test {@code UcarpInteropIT} shows the same against ucarp.
 */
class CarpPasswordFileReloadTest {
  @TempDir Path dir;

  private Config load(Path passwordFile) throws Exception {
    return load(passwordFile, 0);
  }

  private Config load(Path passwordFile, int advskew) throws Exception {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        """
        instances:
          ns:
            protocol: carp
            interface: eth0
            vhid: 60
            advbase: 1s
            advskew: %d
            password-file: %s
            addresses: [198.18.0.110/24]
        """
            .formatted(advskew, passwordFile));
    return ConfigLoader.load(config);
  }

  @Test
  void theFileIsReadAtLoadAndItsContentDecidesWhetherTheInstanceIsRebuilt() throws Exception {
    Path pass = dir.resolve("carp.pass");
    Files.writeString(pass, "first\n");
    Config before = load(pass);
    assertThat(before.instances().get("ns").carp().orElseThrow().passphrase()).isEqualTo("first");

    Config same = load(pass);
    assertThat(ConfigApplier.RouterShape.of(same, "ns"))
        .isEqualTo(ConfigApplier.RouterShape.of(before, "ns"));

    Files.writeString(pass, "second\r\nignored\n");
    // What the running configuration read stays what it read: the file is not re-read behind it.
    assertThat(before.instances().get("ns").carp().orElseThrow().passphrase()).isEqualTo("first");
    Config next = load(pass);
    assertThat(next.instances().get("ns").carp().orElseThrow().passphrase()).isEqualTo("second");
    assertThat(ConfigApplier.RouterShape.of(next, "ns"))
        .isNotEqualTo(ConfigApplier.RouterShape.of(before, "ns"));
    assertThat(next.instances().get("ns").carp().orElseThrow().toString())
        .doesNotContain("second")
        .doesNotContain("first");
  }

  @Test
  void anAdvskewChangeKeepsTheRouterUnlessItMovesIntoOrOutOfTheBottom() throws Exception {
    Path pass = dir.resolve("carp.pass");
    Files.writeString(pass, "secret\n");
    var zero = ConfigApplier.RouterShape.of(load(pass, 0), "ns");
    // The skew is the priority: the running router follows it without a rebuild.
    assertThat(ConfigApplier.RouterShape.of(load(pass, 100), "ns")).isEqualTo(zero);
    assertThat(ConfigApplier.RouterShape.of(load(pass, 252), "ns")).isEqualTo(zero);
    // advskew 253 and 254 stand for base priority 1, which never advertises demote 1: rebuilt.
    var bottom = ConfigApplier.RouterShape.of(load(pass, 253), "ns");
    assertThat(bottom).isNotEqualTo(zero);
    assertThat(ConfigApplier.RouterShape.of(load(pass, 254), "ns")).isEqualTo(bottom);
  }
}
