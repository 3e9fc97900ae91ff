package org.vrrpagent.core.carp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import org.vrrpagent.core.wire.AdvertisementCodec;
import org.vrrpagent.core.wire.IpContext;
import org.vrrpagent.core.wire.MalformedAdvertisementException;

/**
 * Fuzzes the CARP decoder. Properties: it returns an advertisement or throws {@link
 * MalformedAdvertisementException} with a reason and an "(expected: …)" (never anything else); what
 * it returns re-encodes to the very same bytes; and no message is read as both CARP and VRRP.
 *
 * <p>{@code ./mvnw test} replays the corpus in {@code
 * src/test/resources/org/vrrpagent/core/carp/CarpCodecFuzzTestInputs/}; to fuzz: {@code
 * JAZZER_FUZZ=1 ./mvnw -pl vrrp-core test -Dtest=CarpCodecFuzzTest}.
 */
class CarpCodecFuzzTest {
  private static final InetAddress[] SOURCES = {
    InetAddress.ofLiteral("198.18.1.11"), InetAddress.ofLiteral("fe80::11")
  };
  private static final InetAddress[] GROUPS = {
    InetAddress.ofLiteral("224.0.0.18"), InetAddress.ofLiteral("ff02::12")
  };

  @FuzzTest(maxDuration = "30s")
  void decodeEitherReturnsAnAdvertThatReencodesIdenticallyOrSaysWhy(FuzzedDataProvider data)
      throws Exception {
    int family = data.consumeBoolean() ? 1 : 0;
    int ttl = data.consumeBoolean() ? 255 : data.consumeInt(0, 255);
    byte[] message = data.consumeRemainingAsBytes();
    IpContext ip = new IpContext(SOURCES[family], GROUPS[family], ttl);
    CarpAdvertisement a;
    try {
      a = CarpCodec.decode(message, ip);
    } catch (MalformedAdvertisementException e) {
      assertThat(e.reason()).isNotNull();
      assertThat(e.getMessage()).contains("(expected: ");
      return;
    }
    assertThat(CarpCodec.encode(a)).isEqualTo(message);
    assertThat(CarpCodec.isCarp(message)).isTrue();
    boolean alsoVrrp;
    try {
      AdvertisementCodec.decode(message, ip);
      alsoVrrp = true;
    } catch (MalformedAdvertisementException e) {
      alsoVrrp = false;
    }
    assertThat(alsoVrrp).as("a valid CARP message must not decode as VRRP").isFalse();
  }
}
