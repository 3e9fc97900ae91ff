package org.vrrpagent.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1, 53, 127.0.0.1:53",
    "127.0.0.1:5353, 127.0.0.1, 5353, 127.0.0.1:5353",
    "::1, ::1, 53, [::1]:53",
    "[::1]:5353, ::1, 5353, [::1]:5353",
    "[fd00:198:18:0:0:0:0:1], fd00:198:18:0:0:0:0:1, 53, [fd00:198:18::1]:53",
    "ns1.example.net, ns1.example.net, 53, ns1.example.net:53",
    "localhost:8053, localhost, 8053, localhost:8053"
  })
  void parsesEveryForm(String text, String host, int port, String written) {
    HostPort hp = HostPort.parse(text, 53);
    assertThat(hp.host()).isEqualTo(host);
    assertThat(hp.port()).isEqualTo(port);
    assertThat(hp.toString()).isEqualTo(written);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[::1",
        "[::1]x",
        "[127.0.0.1]:53",
        "1::2::3",
        "fd00::1:53:x",
        "bad host",
        "-x",
        "a:b:c"
      })
  void refusesWhatIsNotAHostPort(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostPort.parse(text, 53))
        .withMessage("not a host[:port] (expected: e.g. 127.0.0.1, 127.0.0.1:5353 or [::1]:53)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:", "[::1]:x", "host:123456"})
  void refusesABadPort(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostPort.parse(text, 53))
        .withMessageStartingWith("port \"")
        .withMessageEndingWith("\" (expected: 1..65535)");
  }
}
