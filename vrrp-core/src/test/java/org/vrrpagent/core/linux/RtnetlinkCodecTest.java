package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.linux.RtnetlinkCodec.Ack;
import org.vrrpagent.core.linux.RtnetlinkCodec.AddressMessage;
import org.vrrpagent.core.linux.RtnetlinkCodec.Done;
import org.vrrpagent.core.linux.RtnetlinkCodec.MalformedNetlinkException;
import org.vrrpagent.core.linux.RtnetlinkCodec.Message;
import org.vrrpagent.core.linux.RtnetlinkCodec.Other;

/**
 * The rtnetlink messages, byte by byte (linux/netlink.h, linux/rtnetlink.h, linux/if_addr.h).
 * Integers are little-endian here: the host order of the x86-64 and arm64 machines we build for.
 */
class RtnetlinkCodecTest {
  static final InterfaceAddress V4 = InterfaceAddress.parse("198.18.0.100/24");
  static final InterfaceAddress V6 = InterfaceAddress.parse("fd00:198:18::100/64");

  @BeforeAll
  static void littleEndianHost() {
    assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "byte arrays are little-endian");
  }

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  @Test
  void rtmNewaddrForIpv4IsWhatIpAddrAddSends() {
    byte[] m = RtnetlinkCodec.addressChange(true, 7, 3, V4);
    assertThat(m)
        .isEqualTo(
            bytes(
                40, 0, 0, 0, // nlmsg_len 40
                20, 0, // nlmsg_type RTM_NEWADDR
                0x05, 0x06, // flags REQUEST|ACK|EXCL|CREATE (0x605)
                7, 0, 0, 0, // nlmsg_seq
                0, 0, 0, 0, // nlmsg_pid: the kernel's
                2, // ifa_family AF_INET
                24, // ifa_prefixlen
                0, // ifa_flags
                0, // ifa_scope universe
                3, 0, 0, 0, // ifa_index
                8, 0, 2, 0, 198, 18, 0, 100, // IFA_LOCAL
                8, 0, 1, 0, 198, 18, 0, 100)); // IFA_ADDRESS (no peer: the same)
  }

  @Test
  void rtmNewaddrForIpv6AsksForNoDad() {
    byte[] m = RtnetlinkCodec.addressChange(true, 8, 3, V6);
    assertThat(m).hasSize(16 + 8 + 20 + 20);
    assertThat(Arrays.copyOfRange(m, 16, 24))
        .isEqualTo(bytes(10, 64, RtnetlinkCodec.IFA_F_NODAD, 0, 3, 0, 0, 0));
    assertThat(Arrays.copyOfRange(m, 24, 28)).isEqualTo(bytes(20, 0, 2, 0)); // IFA_LOCAL, 16 bytes
    assertThat(Arrays.copyOfRange(m, 28, 44)).isEqualTo(V6.address().getAddress());
  }

  @Test
  void rtmDeladdrAsksOnlyForAnAck() {
    byte[] m = RtnetlinkCodec.addressChange(false, 9, 3, V4);
    assertThat(Arrays.copyOfRange(m, 4, 8)).isEqualTo(bytes(21, 0, 0x05, 0x00));
    assertThat(m[18]).as("no flags").isZero();
    assertThat(m[19]).as("scope").isZero();
  }

  @Test
  void loopbackAddressesGetHostScopeAsIproute2Chooses() {
    byte[] m = RtnetlinkCodec.addressChange(true, 1, 1, InterfaceAddress.parse("127.0.0.2/8"));
    assertThat(m[19] & 0xff).isEqualTo(RtnetlinkCodec.RT_SCOPE_HOST);
  }

  @Test
  void rtmGetaddrDumpsBothFamilies() {
    assertThat(RtnetlinkCodec.addressDump(5))
        .isEqualTo(
            bytes(
                24, 0, 0, 0, // length
                22, 0, // RTM_GETADDR
                0x01, 0x03, // REQUEST|DUMP
                5, 0, 0, 0, // seq
                0, 0, 0, 0, // pid
                0, 0, 0, 0, 0, 0, 0, 0)); // ifaddrmsg: AF_UNSPEC, index 0
  }

  @Test
  void ourOwnRequestDecodesToTheAddressItCarries() {
    for (InterfaceAddress a : List.of(V4, V6)) {
      byte[] m = RtnetlinkCodec.addressChange(true, 11, 4, a);
      List<Message> decoded = RtnetlinkCodec.decode(m, m.length);
      assertThat(decoded).hasSize(1);
      AddressMessage am = (AddressMessage) decoded.getFirst();
      assertThat(am.added()).isTrue();
      assertThat(am.sequence()).isEqualTo(11);
      assertThat(am.interfaceIndex()).isEqualTo(4);
      assertThat(am.address()).isEqualTo(a);
    }
  }

  /** An RTM_NEWADDR as the kernel dumps it for {@code 198.18.0.11/24 brd 198.18.0.255 eth0}. */
  static byte[] kernelIpv4Address(int seq, int flags) {
    Builder b = new Builder().header(20, flags, seq);
    b.raw(2, 24, 0x80, 0, 2, 0, 0, 0); // AF_INET /24 PERMANENT scope 0 index 2
    b.attr(1, 198, 18, 0, 11); // IFA_ADDRESS
    b.attr(2, 198, 18, 0, 11); // IFA_LOCAL
    b.attr(4, 198, 18, 0, 255); // IFA_BROADCAST
    b.attr(3, 'e', 't', 'h', '0', 0); // IFA_LABEL "eth0" (5 bytes, padded)
    b.attr(8, 0x80, 0, 0, 0); // IFA_FLAGS PERMANENT
    b.attr(6, new byte[16]); // IFA_CACHEINFO (skipped)
    return b.done();
  }

  @Test
  void aKernelDumpEntryGivesAddressLabelAndFlags() {
    byte[] m = kernelIpv4Address(3, RtnetlinkCodec.NLM_F_MULTI);
    AddressMessage a = (AddressMessage) RtnetlinkCodec.decode(m, m.length).getFirst();
    assertThat(a.address()).isEqualTo(InterfaceAddress.parse("198.18.0.11/24"));
    assertThat(a.interfaceIndex()).isEqualTo(2);
    assertThat(a.label()).isEqualTo("eth0");
    assertThat(a.broadcast()).isTrue();
    assertThat(a.flags()).isEqualTo(0x80);
    assertThat(a.dumpInterrupted()).isFalse();
  }

  @Test
  void anIpv6EventWithOnlyIfaAddressIsThatAddress() {
    Builder b = new Builder().header(21, 0, 0);
    b.raw(10, 64, 0, 0, 5, 0, 0, 0);
    b.attr(1, V6.address().getAddress());
    byte[] m = b.done();
    AddressMessage a = (AddressMessage) RtnetlinkCodec.decode(m, m.length).getFirst();
    assertThat(a.added()).isFalse();
    assertThat(a.address()).isEqualTo(V6);
    assertThat(a.label()).isEmpty();
  }

  @Test
  void severalMessagesInOneDatagramThenDone() {
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.writeBytes(kernelIpv4Address(3, 2));
    d.writeBytes(kernelIpv4Address(3, 2 | RtnetlinkCodec.NLM_F_DUMP_INTR));
    d.writeBytes(new Builder().header(3, 2, 3).raw(0, 0, 0, 0).done()); // NLMSG_DONE, 0
    byte[] all = d.toByteArray();
    List<Message> m = RtnetlinkCodec.decode(all, all.length);
    assertThat(m).hasSize(3);
    assertThat(m.get(1).dumpInterrupted()).isTrue();
    assertThat(m.get(2)).isEqualTo(new Done(3, 0, false));
  }

  @Test
  void aDumpThatFailedSaysWithWhichErrno() {
    byte[] m = new Builder().header(3, 2, 4).raw(0xfc, 0xff, 0xff, 0xff).done(); // -4 EINTR
    assertThat(RtnetlinkCodec.decode(m, m.length)).containsExactly(new Done(4, 4, false));
  }

  @Test
  void anAcknowledgementIsErrnoZero() {
    Builder b = new Builder().header(2, RtnetlinkCodec.NLM_F_CAPPED, 9);
    b.raw(0, 0, 0, 0); // error 0
    b.raw(40, 0, 0, 0, 20, 0, 5, 6, 9, 0, 0, 0, 0, 0, 0, 0); // the request's header
    byte[] m = b.done();
    assertThat(RtnetlinkCodec.decode(m, m.length)).containsExactly(new Ack(9, 0, 20, ""));
  }

  @Test
  void aCappedRefusalWithExtendedAckGivesTheKernelsWords() {
    Builder b =
        new Builder().header(2, RtnetlinkCodec.NLM_F_CAPPED | RtnetlinkCodec.NLM_F_ACK_TLVS, 12);
    b.raw(0xef, 0xff, 0xff, 0xff); // -17 EEXIST
    b.raw(40, 0, 0, 0, 20, 0, 5, 6, 12, 0, 0, 0, 0, 0, 0, 0);
    b.attr(1, "Invalid prefix length\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.attr(2, 24, 0, 0, 0); // NLMSGERR_ATTR_OFFS (not kept)
    byte[] m = b.done();
    assertThat(RtnetlinkCodec.decode(m, m.length))
        .containsExactly(new Ack(12, 17, 20, "Invalid prefix length"));
  }

  @Test
  void anUncappedRefusalSkipsTheEchoedRequest() {
    byte[] request = RtnetlinkCodec.addressChange(false, 13, 3, V4);
    Builder b = new Builder().header(2, RtnetlinkCodec.NLM_F_ACK_TLVS, 13);
    b.raw(0x9d, 0xff, 0xff, 0xff); // -99 EADDRNOTAVAIL
    b.raw(request);
    b.attr(1, 'x', 0);
    byte[] m = b.done();
    assertThat(RtnetlinkCodec.decode(m, m.length)).containsExactly(new Ack(13, 99, 21, "x"));
  }

  @Test
  void otherTypesAreSkippedByTheirLength() {
    byte[] m = new Builder().header(16, 0, 1).raw(new byte[16]).done(); // RTM_NEWLINK
    assertThat(RtnetlinkCodec.decode(m, m.length)).containsExactly(new Other(1, 16, false));
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void aShortHeaderIsRefused() {
    assertThatThrownBy(() -> RtnetlinkCodec.decode(new byte[10], 10))
        .isInstanceOf(MalformedNetlinkException.class)
        .hasMessage("10 bytes left at offset 0 (expected: a 16-byte message header)");
  }

  @Test
  void aMessageLongerThanTheDatagramIsRefused() {
    byte[] m = kernelIpv4Address(1, 0);
    assertThatThrownBy(() -> RtnetlinkCodec.decode(m, m.length - 4))
        .isInstanceOf(MalformedNetlinkException.class)
        .hasMessage(
            "message length " + m.length + " at offset 0 (expected: 16.." + (m.length - 4) + ")");
  }

  @Test
  void aMessageLengthBelowTheHeaderIsRefused() {
    byte[] m = new Builder().header(3, 0, 1).done();
    m[0] = 8;
    assertThatThrownBy(() -> RtnetlinkCodec.decode(m, m.length))
        .hasMessage("message length 8 at offset 0 (expected: 16..16)");
  }

  @Test
  void anAttributeRunningPastItsMessageIsRefused() {
    Builder b = new Builder().header(20, 0, 1);
    b.raw(2, 24, 0, 0, 2, 0, 0, 0);
    b.raw(40, 0, 2, 0, 198, 18, 0, 11); // IFA_LOCAL claiming 40 bytes
    byte[] m = b.done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(m, m.length))
        .hasMessage("attribute length 40 at offset 24 (expected: 4..8)");
  }

  @Test
  void anAddressOfTheWrongLengthIsRefused() {
    Builder b = new Builder().header(20, 0, 1);
    b.raw(2, 24, 0, 0, 2, 0, 0, 0);
    b.attr(2, V6.address().getAddress());
    byte[] m = b.done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(m, m.length))
        .hasMessage("IFA_LOCAL of 16 bytes (expected: 4)");
  }

  @Test
  void anUnknownFamilyAPrefixTooLongAndNoAddressAreRefused() {
    byte[] family = new Builder().header(20, 0, 1).raw(7, 24, 0, 0, 2, 0, 0, 0).done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(family, family.length))
        .hasMessage("address family 7 (expected: AF_INET 2 or AF_INET6 10)");
    byte[] prefix = new Builder().header(20, 0, 1).raw(2, 33, 0, 0, 2, 0, 0, 0).done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(prefix, prefix.length))
        .hasMessage("prefix length 33 (expected: 0..32)");
    byte[] none = new Builder().header(20, 0, 1).raw(2, 24, 0, 0, 2, 0, 0, 0).done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(none, none.length))
        .hasMessage("address message without IFA_LOCAL or IFA_ADDRESS (expected: one of them)");
    byte[] index = new Builder().header(20, 0, 1).raw(2, 24, 0, 0, 0, 0, 0, 0).done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(index, index.length))
        .hasMessage("interface index 0 (expected: 1..2147483647)");
  }

  @Test
  void aPositiveErrorIsRefused() {
    byte[] m =
        new Builder()
            .header(2, RtnetlinkCodec.NLM_F_CAPPED, 1)
            .raw(5, 0, 0, 0)
            .raw(new byte[16])
            .done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(m, m.length))
        .hasMessage("NLMSG_ERROR error 5 (expected: 0 or -1..-4095)");
  }

  @Test
  void anErrorEchoingMoreThanItCarriesIsRefused() {
    Builder b = new Builder().header(2, 0, 1);
    b.raw(0xef, 0xff, 0xff, 0xff);
    b.raw(200, 0, 0, 0, 20, 0, 5, 6, 1, 0, 0, 0, 0, 0, 0, 0); // echoes "200 bytes", carries 16
    byte[] m = b.done();
    assertThatThrownBy(() -> RtnetlinkCodec.decode(m, m.length))
        .hasMessage("NLMSG_ERROR echoes a request of 200 bytes (expected: 16..16)");
  }

  @Test
  void atMostSoManyMessagesPerDatagram() {
    byte[] one = new Builder().header(1, 0, 1).done(); // NLMSG_NOOP, 16 bytes
    int n = RtnetlinkCodec.MAX_MESSAGES_PER_DATAGRAM + 1;
    byte[] all = new byte[one.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(one, 0, all, i * one.length, one.length);
    }
    assertThatThrownBy(() -> RtnetlinkCodec.decode(all, all.length))
        .hasMessage("more than 4096 messages in one datagram (expected: at most 4096)");
    assertThat(RtnetlinkCodec.decode(all, all.length - one.length)).hasSize(n - 1);
  }

  @Test
  void controlCharactersInALabelDoNotReachTheLog() throws Exception {
    Builder b = new Builder().header(20, 0, 1);
    b.raw(2, 24, 0, 0, 2, 0, 0, 0);
    b.attr(2, InetAddress.ofLiteral("198.18.0.1").getAddress());
    b.attr(3, 'a', '\n', 'b', 0);
    byte[] m = b.done();
    assertThat(((AddressMessage) RtnetlinkCodec.decode(m, m.length).getFirst()).label())
        .isEqualTo("a?b");
  }

  /** Builds a netlink message: header, then raw bytes and attributes, length filled in. */
  static final class Builder {
    private final ByteBuffer b = ByteBuffer.allocate(65536).order(ByteOrder.LITTLE_ENDIAN);

    Builder header(int type, int flags, int seq) {
      b.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
      return this;
    }

    Builder raw(int... bytes) {
      return raw(RtnetlinkCodecTest.bytes(bytes));
    }

    Builder raw(byte[] bytes) {
      b.put(bytes);
      return this;
    }

    Builder attr(int type, int... value) {
      return attr(type, RtnetlinkCodecTest.bytes(value));
    }

    Builder attr(int type, byte[] value) {
      b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
      while (b.position() % 4 != 0) {
        b.put((byte) 0);
      }
      return this;
    }

    byte[] done() {
      b.putInt(0, b.position());
      return Arrays.copyOf(b.array(), b.position());
    }
  }
}
