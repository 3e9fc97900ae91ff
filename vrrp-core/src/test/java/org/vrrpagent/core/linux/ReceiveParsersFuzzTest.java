package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;

/**
 * Fuzzes what the transport parses from the kernel: the IPv4 header of a received packet and the
 * IPv6 control messages. Properties: never an exception; a header's payload lies inside what was
 * read; a hop limit is 0..255.
 *
 * <p>{@code ./mvnw test} replays the corpus; to fuzz: {@code JAZZER_FUZZ=1 ./mvnw -pl vrrp-core
 * test -Dtest=ReceiveParsersFuzzTest}.
 */
class ReceiveParsersFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void ipv4HeaderParseStaysInsideThePacket(FuzzedDataProvider data) {
    byte[] packet = data.consumeRemainingAsBytes();
    Ipv4Header h = Ipv4Header.parse(packet, packet.length);
    if (h != null) {
      assertThat(h.payloadOffset()).isBetween(Ipv4Header.MIN_BYTES, packet.length);
      assertThat(h.payloadLength()).isBetween(0, packet.length - h.payloadOffset());
      assertThat(h.ttl()).isBetween(0, 255);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void ipv6AncillaryParseNeverThrows(FuzzedDataProvider data) {
    long claimed = data.consumeLong(-16, 4096);
    byte[] control = data.consumeRemainingAsBytes();
    Ipv6Ancillary a = Ipv6Ancillary.parse(MemorySegment.ofArray(control), claimed);
    if (a != null) {
      assertThat(a.hopLimit()).isBetween(0, 255);
      assertThat(a.destination().getAddress()).hasSize(16);
    }
  }
}
