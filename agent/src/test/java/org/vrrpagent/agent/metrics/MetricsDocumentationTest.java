package org.vrrpagent.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.TransportDrops;
import org.vrrpagent.core.wire.DropReason;

/** docs/operations.md lists every metric and every drop reason an operator can see. */
class MetricsDocumentationTest {
  @Test
  void everyMetricAndDropReasonIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("../docs/operations.md"));
    for (String name : Metrics.names()) {
      assertThat(doc).as(name).contains("`" + name);
    }
    for (DropReason r : DropReason.values()) {
      assertThat(doc).as(r.label()).contains("`" + r.label() + "`");
    }
    for (TransportDrops.Reason r : TransportDrops.Reason.values()) {
      assertThat(doc).as(r.label()).contains("`" + r.label() + "`");
    }
  }
}
