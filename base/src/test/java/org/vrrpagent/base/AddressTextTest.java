package org.vrrpagent.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressTextTest {

  @ParameterizedTest
  @CsvSource({
    "198.18.0.100, 198.18.0.100",
    "fd00:198:18:0:0:0:0:100, fd00:198:18::100",
    "ff02:0:0:0:0:0:0:12, ff02::12",
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", // RFC 5952 §4.2.3: the first of equal runs
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // §4.2.2: one zero group is not shortened
    "2001:DB8:0:0:0:0:2:1, 2001:db8::2:1", // §4.3: lower case
    "fe80:0:0:0:9845:72ff:fe50:500a, fe80::9845:72ff:fe50:500a",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3"
  })
  void writesRfc5952(String input, String expected) {
    assertThat(AddressText.of(InetAddress.ofLiteral(input))).isEqualTo(expected);
  }

  @Test
  void keepsTheScopeOfALinkLocalAddress() throws Exception {
    Inet6Address scoped =
        Inet6Address.getByAddress(null, InetAddress.ofLiteral("fe80::1").getAddress(), 2);
    assertThat(AddressText.of(scoped)).isEqualTo("fe80::1%2");
  }

  /** Whatever the address, the text parses back to it. */
  @Test
  void roundTripsRandomAddresses() {
    Random random = new Random(5952);
    for (int i = 0; i < 20_000; i++) {
      byte[] raw = new byte[16];
      for (int g = 0; g < 8; g++) {
        if (random.nextInt(3) > 0) {
          continue; // leave zero groups often, so runs of every length occur
        }
        raw[2 * g] = (byte) random.nextInt(256);
        raw[2 * g + 1] = (byte) random.nextInt(256);
      }
      raw[0] = (byte) 0xfd; // never IPv4-mapped
      InetAddress a = InetAddress.ofLiteral(new Inet6AddressText(raw).jdk());
      assertThat(InetAddress.ofLiteral(AddressText.of(a))).as("i=%d %s", i, a).isEqualTo(a);
    }
  }

  private record Inet6AddressText(byte[] raw) {
    String jdk() {
      StringBuilder s = new StringBuilder();
      for (int g = 0; g < 8; g++) {
        if (g > 0) {
          s.append(':');
        }
        s.append(Integer.toHexString((raw[2 * g] & 0xff) << 8 | (raw[2 * g + 1] & 0xff)));
      }
      return s.toString();
    }
  }
}
