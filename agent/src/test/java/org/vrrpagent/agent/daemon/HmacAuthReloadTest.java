package org.vrrpagent.agent.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;

/**
 * The hmac-sha256 secret is read at every load: a reload after the secret file changed restarts the
 * instance's router (its shape differs), one with the same secret keeps it running, and the secret
 * never shows in the configuration's text form.
 */
class HmacAuthReloadTest {
  @TempDir Path dir;

  Config load(Path secret, String window) throws Exception {
    return ConfigLoader.parse(
        "agent.yaml",
        """
        instances:
          www:
            interface: eth0
            vrid: 10
            addresses: [198.18.0.100/24]
            unicast-peers: [198.18.0.12]
            auth: { type: hmac-sha256, secret-file: %s, replay-window: %s }
        """
            .formatted(secret, window));
  }

  @Test
  void aChangedSecretRestartsTheRouterTheSameSecretKeepsIt() throws Exception {
    Path secret = dir.resolve("advert.key");
    Files.writeString(secret, "# comment\n" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n");
    Config first = load(secret, "30s");
    Config same = load(secret, "30s");
    assertThat(ConfigApplier.RouterShape.of(same, "www"))
        .isEqualTo(ConfigApplier.RouterShape.of(first, "www"));

    Files.writeString(secret, "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\n");
    Config rotated = load(secret, "30s");
    assertThat(ConfigApplier.RouterShape.of(rotated, "www"))
        .isNotEqualTo(ConfigApplier.RouterShape.of(first, "www"));

    Config wider = load(secret, "1m");
    assertThat(ConfigApplier.RouterShape.of(wider, "www"))
        .isNotEqualTo(ConfigApplier.RouterShape.of(rotated, "www"));

    assertThat(first.instances().get("www").hmac().orElseThrow().toString())
        .contains("secret=(hidden)")
        .doesNotContain("QUFB");
    assertThat(first.instances().get("www").hmac().orElseThrow().secretBytes())
        .hasSize(32)
        .containsOnly((byte) 'A');
  }
}
