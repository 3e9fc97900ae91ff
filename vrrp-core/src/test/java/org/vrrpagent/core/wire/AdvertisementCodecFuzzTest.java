package org.vrrpagent.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;

/**
 * Fuzzes the decoder with arbitrary packets. Properties: it either returns an advertisement or
 * throws {@link MalformedAdvertisementException} with a reason (never anything else), and what it
 * returns re-encodes to bytes that decode to the same advertisement.
 *
 * <p>{@code ./mvnw test} replays the corpus in {@code
 * src/test/resources/org/vrrpagent/core/wire/AdvertisementCodecFuzzTestInputs/}; to fuzz: {@code
 * JAZZER_FUZZ=1 ./mvnw -pl vrrp-core test -Dtest=AdvertisementCodecFuzzTest}.
 */
class AdvertisementCodecFuzzTest {
  private static final InetAddress[] SOURCES = {
    AdvertisementCodecTest.SRC4, AdvertisementCodecTest.SRC6
  };
  private static final InetAddress[] GROUPS = {
    AdvertisementCodecTest.GROUP4, AdvertisementCodecTest.GROUP6
  };

  @FuzzTest(maxDuration = "30s")
  void decodeEitherReturnsAValidAdvertOrSaysWhy(FuzzedDataProvider data) throws Exception {
    int family = data.consumeBoolean() ? 1 : 0;
    int ttl = data.consumeBoolean() ? 255 : data.consumeInt(0, 255);
    byte[] message = data.consumeRemainingAsBytes();
    IpContext ip = new IpContext(SOURCES[family], GROUPS[family], ttl);
    ReceivedAdvertisement r;
    try {
      r = AdvertisementCodec.decode(message, ip);
    } catch (MalformedAdvertisementException e) {
      assertThat(e.reason()).isNotNull();
      assertThat(e.getMessage()).contains("(expected: ");
      return;
    }
    byte[] again =
        AdvertisementCodec.encode(
            r.advertisement(), ip.source(), ip.destination(), r.checksumMode());
    assertThat(AdvertisementCodec.decode(again, ip).advertisement()).isEqualTo(r.advertisement());
  }
}
