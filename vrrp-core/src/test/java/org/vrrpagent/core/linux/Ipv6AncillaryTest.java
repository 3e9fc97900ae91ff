package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class Ipv6AncillaryTest {
  private static final InetAddress GROUP = InetAddress.ofLiteral("ff02::12");

  /**
   * Two cmsgs as Linux lays them out: IPV6_PKTINFO (16 + 20, padded to 40), IPV6_HOPLIMIT (16 + 4).
   */
  private static MemorySegment control(int hopLimit) {
    MemorySegment c = MemorySegment.ofArray(new byte[64]);
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 36); // cmsg_len
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 8, Libc.IPPROTO_IPV6);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 12, Libc.IPV6_PKTINFO);
    MemorySegment.copy(GROUP.getAddress(), 0, c, ValueLayout.JAVA_BYTE, 16, 16); // ipi6_addr
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 32, 2); // ipi6_ifindex
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 40, 20);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 48, Libc.IPPROTO_IPV6);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 52, Libc.IPV6_HOPLIMIT);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 56, hopLimit);
    return c;
  }

  @Test
  void readsHopLimitAndDestination() {
    Ipv6Ancillary a = Ipv6Ancillary.parse(control(255), 60);
    assertThat(a).isEqualTo(new Ipv6Ancillary(255, GROUP));
  }

  @Test
  void missingHopLimitIsNoAnswer() {
    assertThat(Ipv6Ancillary.parse(control(255), 40))
        .as("only the first cmsg within the length")
        .isNull();
    assertThat(Ipv6Ancillary.parse(control(255), 0)).isNull();
  }

  @Test
  void anImpossibleHopLimitOrLengthIsNoAnswer() {
    assertThat(Ipv6Ancillary.parse(control(256), 60)).isNull();
    MemorySegment lying = control(255);
    lying.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1L << 40); // cmsg_len beyond the buffer
    assertThat(Ipv6Ancillary.parse(lying, 60)).isNull();
  }
}
