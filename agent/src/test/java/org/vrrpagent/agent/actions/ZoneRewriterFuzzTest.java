package org.vrrpagent.agent.actions;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer on the zone rewriter: any text is either rewritten or refused with a {@link
 * ZoneRewriter.ZoneException} (never another exception, never a hang); a rewrite changes nothing
 * but marked addresses and the serial (same number of lines, the same lines without the marker),
 * the serial goes forward, and a second rewrite changes nothing. Replays its corpus as a normal
 * test; fuzzes with JAZZER_FUZZ=1.
 */
class ZoneRewriterFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void rewriteIsRefusedOrIdempotent(byte[] input) throws Exception {
    String zone = new String(input, StandardCharsets.UTF_8);
    ZoneRewriter.Result r;
    try {
      r = ZoneRewriter.rewrite(zone, "; fo", ZoneRewriterTest.NS2_MASTER, ZoneRewriterTest.TODAY);
    } catch (ZoneRewriter.ZoneException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    if (!r.changed()) {
      assertThat(r.text()).isSameAs(zone);
      return;
    }
    assertThat(ZoneRewriter.later(r.newSerial(), r.oldSerial())).isTrue();
    String[] before = zone.split("\n", -1);
    String[] after = r.text().split("\n", -1);
    assertThat(after).hasSameSizeAs(before);
    for (int i = 0; i < before.length; i++) {
      if (!before[i].contains(";") && !before[i].contains(Long.toString(r.oldSerial()))) {
        assertThat(after[i]).isEqualTo(before[i]);
      }
    }
    ZoneRewriter.Result again =
        ZoneRewriter.rewrite(r.text(), "; fo", ZoneRewriterTest.NS2_MASTER, ZoneRewriterTest.TODAY);
    assertThat(again.changed()).isFalse();
  }
}
