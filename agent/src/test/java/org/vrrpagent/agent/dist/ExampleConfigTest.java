package org.vrrpagent.agent.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.config.Config;
import org.vrrpagent.agent.config.ConfigLoader;

/** The distribution's etc/agent.yaml is a configuration the agent accepts. */
class ExampleConfigTest {
  @Test
  void theShippedExampleIsValid() throws Exception {
    Config config = ConfigLoader.load(Path.of("src/dist/etc/agent.yaml"));
    assertThat(config.instances()).containsOnlyKeys("dns4", "dns6");
    assertThat(config.control().listen()).isPresent();
    assertThat(config.control().listen().get().getAddress().isLoopbackAddress()).isTrue();
  }
}
