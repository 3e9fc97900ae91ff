package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.TransportException;

class IpAddressTableParseTest {
  /** Shape of `ip -j addr show dev eth0` from iproute2 6.1 (trimmed). */
  private static final String JSON =
      """
      [{"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,
        "operstate":"UP","link_type":"ether","address":"9a:45:72:50:50:0a",
        "addr_info":[
          {"family":"inet","local":"198.18.0.11","prefixlen":24,"broadcast":"198.18.0.255","scope":"global","label":"eth0"},
          {"family":"inet","local":"198.18.0.100","prefixlen":24,"scope":"global","secondary":true,"label":"eth0"},
          {"family":"inet6","local":"fd00:198:18::11","prefixlen":64,"scope":"global"},
          {"family":"inet6","local":"fe80::9845:72ff:fe50:500a","prefixlen":64,"scope":"link"}]}]
      """;

  @Test
  void readsBothFamiliesInKernelOrder() {
    assertThat(IpAddressTable.parse("eth0", JSON))
        .containsExactly(
            InterfaceAddress.parse("198.18.0.11/24"),
            InterfaceAddress.parse("198.18.0.100/24"),
            InterfaceAddress.parse("fd00:198:18::11/64"),
            InterfaceAddress.parse("fe80::9845:72ff:fe50:500a/64"));
  }

  @Test
  void anInterfaceWithoutAddressesIsEmpty() {
    assertThat(
            IpAddressTable.parse("eth0", "[{\"ifindex\":2,\"ifname\":\"eth0\",\"addr_info\":[]}]"))
        .isEqualTo(List.of());
  }

  @Test
  void garbageIsAClearError() {
    assertThatThrownBy(() -> IpAddressTable.parse("eth0", "RTNETLINK answers: nonsense"))
        .isInstanceOf(TransportException.class)
        .hasMessageStartingWith("eth0: cannot read the output of `ip -j addr`");
  }

  @Test
  void interfaceAddressParsesAndPrintsAsIpTakesIt() {
    assertThat(InterfaceAddress.parse("198.18.0.100/24").toString()).isEqualTo("198.18.0.100/24");
    assertThat(InterfaceAddress.parse("fd00:198:18::100").prefixLength()).isEqualTo(128);
    assertThatThrownBy(() -> InterfaceAddress.parse("example.com/24"))
        .hasMessage("not an address: example.com/24");
    assertThatThrownBy(() -> InterfaceAddress.parse("198.18.0.1/33"))
        .hasMessage("prefix length 33 (expected: 0..32)");
  }
}
