package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * {@link ControlMessages}: finding a control message, reading the kernel's receive stamp, and
 * {@link RawSocketTransport#arrivalNanos} turning it into a time on the monotonic clock.
 */
class ControlMessagesTest {
  private static final long STAMP = 1_795_833_000_123_456_789L; // 2026-11-28, ns since the epoch

  /**
   * IPV6_HOPLIMIT (16 + 4, padded to 24), then SCM_TIMESTAMPNS (16 + 16), as Linux lays them out.
   */
  private static MemorySegment control(long seconds, long nanos) {
    MemorySegment c = MemorySegment.ofArray(new byte[64]);
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 20);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 8, Libc.IPPROTO_IPV6);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 12, Libc.IPV6_HOPLIMIT);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 16, 255);
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 24, 32);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 32, Libc.SOL_SOCKET);
    c.set(ValueLayout.JAVA_INT_UNALIGNED, 36, Libc.SCM_TIMESTAMPNS);
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 40, seconds);
    c.set(ValueLayout.JAVA_LONG_UNALIGNED, 48, nanos);
    return c;
  }

  @Test
  void findsEachMessageByLevelAndType() {
    MemorySegment c = control(STAMP / 1_000_000_000L, STAMP % 1_000_000_000L);
    assertThat(ControlMessages.find(c, 56, Libc.IPPROTO_IPV6, Libc.IPV6_HOPLIMIT, 4)).isEqualTo(16);
    assertThat(ControlMessages.find(c, 56, Libc.SOL_SOCKET, Libc.SCM_TIMESTAMPNS, 16))
        .isEqualTo(40);
    assertThat(ControlMessages.find(c, 56, Libc.IPPROTO_IPV6, Libc.IPV6_PKTINFO, 20)).isEqualTo(-1);
    assertThat(ControlMessages.find(c, 56, Libc.SOL_SOCKET, Libc.SCM_TIMESTAMPNS, 17))
        .as("too short for what is asked")
        .isEqualTo(-1);
  }

  @Test
  void readsTheReceiveStampOnlyWhenWholeAndValid() {
    assertThat(
            ControlMessages.receiveTimeEpochNanos(
                control(STAMP / 1_000_000_000L, STAMP % 1_000_000_000L), 56))
        .isEqualTo(STAMP);
    assertThat(ControlMessages.receiveTimeEpochNanos(control(1, 2), 40))
        .as("cut off by the length the kernel returned")
        .isEqualTo(-1);
    assertThat(ControlMessages.receiveTimeEpochNanos(control(1, 1_000_000_000L), 56)).isEqualTo(-1);
    assertThat(ControlMessages.receiveTimeEpochNanos(control(-1, 0), 56)).isEqualTo(-1);
    MemorySegment lying = control(1, 2);
    lying.set(ValueLayout.JAVA_LONG_UNALIGNED, 24, 1L << 40); // cmsg_len beyond the buffer
    assertThat(ControlMessages.receiveTimeEpochNanos(lying, 56)).isEqualTo(-1);
  }

  @Test
  void theArrivalIsNowLessTheStampsAge() {
    long now = 5_000_000_000L;
    assertThat(RawSocketTransport.arrivalNanos(now, STAMP, STAMP + 2_300_000))
        .as("read 2.3 ms after the kernel had it")
        .isEqualTo(now - 2_300_000);
    assertThat(RawSocketTransport.arrivalNanos(now, -1, STAMP)).as("no stamp").isEqualTo(now);
    assertThat(RawSocketTransport.arrivalNanos(now, STAMP, STAMP - 1))
        .as("a stamp in the future: the wall clock stepped back")
        .isEqualTo(now);
    assertThat(RawSocketTransport.arrivalNanos(now, STAMP, STAMP + 2_000_000_000L))
        .as("older than a second: the wall clock stepped forward")
        .isEqualTo(now);
  }
}
