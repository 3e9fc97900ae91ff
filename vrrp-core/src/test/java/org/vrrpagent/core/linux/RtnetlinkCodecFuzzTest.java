package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.vrrpagent.core.linux.RtnetlinkCodec.AddressMessage;
import org.vrrpagent.core.linux.RtnetlinkCodec.MalformedNetlinkException;
import org.vrrpagent.core.linux.RtnetlinkCodec.Message;

/**
 * Fuzzes the rtnetlink decoder with arbitrary datagrams (what the kernel, or an event, could hand
 * us). Properties: it returns messages or throws {@link MalformedNetlinkException} with what it
 * expected, never anything else; at most {@link RtnetlinkCodec#MAX_MESSAGES_PER_DATAGRAM} messages;
 * an address it returns re-encodes to a request that decodes to the same address.
 *
 * <p>{@code ./mvnw test} replays the corpus in {@code
 * src/test/resources/org/vrrpagent/core/linux/RtnetlinkCodecFuzzTestInputs/}; to fuzz: {@code
 * JAZZER_FUZZ=1 ./mvnw -pl vrrp-core -am test -Dtest=RtnetlinkCodecFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RtnetlinkCodecFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decodeEitherReturnsMessagesOrSaysWhy(FuzzedDataProvider data) {
    byte[] datagram = data.consumeRemainingAsBytes();
    List<Message> messages;
    try {
      messages = RtnetlinkCodec.decode(datagram, datagram.length);
    } catch (MalformedNetlinkException e) {
      assertThat(e.getMessage()).contains("expected");
      return;
    }
    assertThat(messages.size()).isBetween(0, RtnetlinkCodec.MAX_MESSAGES_PER_DATAGRAM);
    if (datagram.length > 0) {
      assertThat(messages).isNotEmpty();
    }
    for (Message m : messages) {
      if (m instanceof AddressMessage a) {
        byte[] again =
            RtnetlinkCodec.addressChange(a.added(), a.sequence(), a.interfaceIndex(), a.address());
        AddressMessage back =
            (AddressMessage) RtnetlinkCodec.decode(again, again.length).getFirst();
        assertThat(back.address()).isEqualTo(a.address());
        assertThat(back.interfaceIndex()).isEqualTo(a.interfaceIndex());
      }
    }
  }
}
