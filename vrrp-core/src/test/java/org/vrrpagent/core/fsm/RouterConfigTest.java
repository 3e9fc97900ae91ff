package org.vrrpagent.core.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.wire.AddressFamily;
import org.vrrpagent.core.wire.AuthType;
import org.vrrpagent.core.wire.VrrpVersion;

/** A configuration that cannot work cannot exist, and the error says what was expected. */
class RouterConfigTest {
  private static final InetAddress VIP = VirtualRouterTest.ip("198.18.0.100");
  private static final InetAddress ME = VirtualRouterTest.ip("198.18.0.1");
  private static final InetAddress VIP6 = VirtualRouterTest.ip("fd00:198:18::100");

  @Test
  void rejectsWhatCannotWork() {
    assertThatThrownBy(() -> RouterConfig.v3("vi", 0, 100, 100, List.of(VIP), ME))
        .hasMessage("virtual router 'vi': VRID 0 (expected: 1..255)");
    assertThatThrownBy(() -> RouterConfig.v3("vi", 1, 0, 100, List.of(VIP), ME))
        .hasMessage("virtual router 'vi': priority 0 (expected: 1..255, 255 = address owner)");
    assertThatThrownBy(() -> RouterConfig.v3("vi", 1, 100, 4096, List.of(VIP), ME))
        .hasMessage(
            "virtual router 'vi': advertisement interval 4096 cs (expected: 1..4095 cs for VRRPv3)");
    assertThatThrownBy(() -> RouterConfig.v3("vi", 1, 100, 100, List.of(), ME))
        .hasMessage("virtual router 'vi': 0 virtual addresses (expected: 1..255)");
    assertThatThrownBy(() -> RouterConfig.v3("vi", 1, 100, 100, List.of(VIP, VIP), ME))
        .hasMessage("virtual router 'vi': duplicate virtual address (expected: each once)");
    assertThatThrownBy(() -> RouterConfig.v3("vi", 1, 100, 100, List.of(VIP6), ME))
        .hasMessage("virtual router 'vi': virtual address fd00:198:18::100 (expected: IPV4)");
    assertThatThrownBy(
            () ->
                new RouterConfig(
                    "vi",
                    VrrpVersion.V2,
                    AddressFamily.IPV6,
                    1,
                    100,
                    100,
                    true,
                    0,
                    false,
                    List.of(VIP6),
                    VirtualRouterTest.ip("fd00:198:18::1"),
                    AuthType.NONE,
                    new byte[8],
                    0,
                    ReceivePolicy.DEFAULT))
        .hasMessage("virtual router 'vi': VRRPv2 with IPv6 (expected: IPv4, or VRRPv3 for IPv6)");
    assertThatThrownBy(
            () ->
                RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME).toBuilder()
                    .noPreempt()
                    .fastPreempt(true)
                    .build())
        .hasMessage(
            "virtual router 'vi': preempt delay or fast preempt with nopreempt (expected: preempt on)");
    assertThatThrownBy(
            () ->
                RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME).toBuilder()
                    .preemptDelayNanos(3_600_000_000_001L)
                    .build())
        .hasMessageContaining("expected: 0..3600 s");
    assertThatThrownBy(
            () ->
                RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME).toBuilder()
                    .resignBelow(256)
                    .build())
        .hasMessage("virtual router 'vi': resign-below 256 (expected: 0 = off, or 1..255)");
    assertThatThrownBy(
            () ->
                RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME).toBuilder()
                    .resignBelow(-1)
                    .build())
        .hasMessage("virtual router 'vi': resign-below -1 (expected: 0 = off, or 1..255)");
    assertThatThrownBy(() -> RouterConfig.password("123456789"))
        .hasMessage("password of 9 bytes (expected: 1..8)");
  }

  @Test
  void passwordsAreZeroPaddedLikeKeepalived() {
    assertThat(RouterConfig.password("abc")).containsExactly('a', 'b', 'c', 0, 0, 0, 0, 0);
  }

  @Test
  void fastPreemptIsOffByDefault() {
    assertThat(RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME).fastPreempt()).isFalse();
    assertThat(RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME).preempt()).isTrue();
  }

  @Test
  void resignBelowIsOffByDefaultAndSurvivesACopy() {
    RouterConfig c = RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME);
    assertThat(c.resignBelow()).isZero();
    RouterConfig r =
        c.toBuilder()
            .resignBelow(90)
            .basePriority(120)
            .fastPreempt(true)
            .advertIntervalCentis(50)
            .build();
    assertThat(r.resignBelow()).isEqualTo(90);
    assertThat(r)
        .isNotEqualTo(
            c.toBuilder().basePriority(120).fastPreempt(true).advertIntervalCentis(50).build());
    assertThat(r.toString()).contains("resign-below 90");
  }

  @Test
  void aCopyKeepsWhatItDoesNotChange() {
    RouterConfig c =
        RouterConfig.v2("vi", 1, 100, 2, List.of(VIP), ME).toBuilder()
            .password("secret12")
            .preemptDelayNanos(5_000_000_000L)
            .fastPreempt(true)
            .resignBelow(90)
            .receive(ReceivePolicy.unicast(0))
            .build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.toBuilder().basePriority(120).build())
        .isEqualTo(
            new RouterConfig(
                "vi",
                VrrpVersion.V2,
                AddressFamily.IPV4,
                1,
                120,
                200,
                true,
                5_000_000_000L,
                true,
                List.of(VIP),
                ME,
                AuthType.SIMPLE_TEXT,
                RouterConfig.password("secret12"),
                90,
                ReceivePolicy.unicast(0)));
  }

  @Test
  void noPreemptAlsoClearsPreemptDelayAndFastPreempt() {
    RouterConfig c =
        RouterConfig.v3("vi", 1, 100, 100, List.of(VIP), ME).toBuilder()
            .preemptDelayNanos(5_000_000_000L)
            .fastPreempt(true)
            .noPreempt()
            .build();
    assertThat(c.preempt()).isFalse();
    assertThat(c.preemptDelayNanos()).isZero();
    assertThat(c.fastPreempt()).isFalse();
  }
}
