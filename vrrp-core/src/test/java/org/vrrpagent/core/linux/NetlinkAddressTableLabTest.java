package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.RtnetlinkCodec.AddressMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rtnetlink address table and address events against the kernel, on {@code eth0} of a lab host
 * (every netlink socket here is opened inside the lab namespace), checked against what {@code ip -j
 * addr} shows.
 */
class NetlinkAddressTableLabTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static NetnsLab lab;
  private static NetlinkAddressTable table;

  @BeforeAll
  static void buildLab() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    lab = NetnsLab.create(1);
    table = lab.inNamespace(1, NetlinkAddressTable::open);
  }

  @AfterAll
  static void tearDownLab() {
    if (table != null) {
      table.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  /** The addresses {@code ip -j addr show dev eth0} lists, in its order. */
  private static List<InterfaceAddress> ipSays() {
    return IpAddressTable.parse(
        "eth0", lab.execChecked(1, "ip", "-j", "addr", "show", "dev", "eth0"));
  }

  /** The {@code addr_info} entry {@code ip -j} shows for {@code address}. */
  private static JsonNode ipEntry(String address) {
    JsonNode root =
        JsonMapper.builder()
            .build()
            .readTree(lab.execChecked(1, "ip", "-j", "addr", "show", "dev", "eth0"));
    for (JsonNode info : root.path(0).path("addr_info")) {
      if (info.path("local").asString("").equals(address)) {
        return info;
      }
    }
    throw new AssertionError(address + " not in `ip -j addr`");
  }

  @Test
  void addListRemoveBothFamiliesAsIpSeesThem() {
    InterfaceAddress v4 = InterfaceAddress.parse("198.18.0.101/24");
    InterfaceAddress v6 = InterfaceAddress.parse("fd00:198:18::101/64");
    assertThat(table.list("eth0")).as("listing = ip -j addr").isEqualTo(ipSays());

    table.add("eth0", v4);
    table.add("eth0", v4); // already there: not an error
    table.add("eth0", v6);
    table.add("eth0", v6);
    assertThat(ipSays()).contains(v4, v6);
    assertThat(table.list("eth0")).isEqualTo(ipSays());
    assertThat(lab.execChecked(1, "ip", "-6", "addr", "show", "dev", "eth0"))
        .as("IPv6 virtual address usable at once (nodad)")
        .contains("fd00:198:18::101/64")
        .doesNotContain("tentative");

    table.remove("eth0", v4);
    table.remove("eth0", v4); // already gone: not an error
    table.remove("eth0", v6);
    table.remove("eth0", v6);
    assertThat(ipSays()).doesNotContain(v4, v6).contains(InterfaceAddress.parse("198.18.0.11/24"));
    assertThat(table.list("eth0")).isEqualTo(ipSays());
  }

  @Test
  void anAddressLooksTheSameWhetherIpOrWeAddedIt() {
    lab.execChecked(1, "ip", "addr", "add", "198.18.0.105/24", "dev", "eth0");
    lab.execChecked(1, "ip", "addr", "add", "fd00:198:18::105/64", "dev", "eth0", "nodad");
    table.add("eth0", InterfaceAddress.parse("198.18.0.106/24"));
    table.add("eth0", InterfaceAddress.parse("fd00:198:18::106/64"));
    try {
      JsonNode ip4 = ipEntry("198.18.0.105");
      JsonNode us4 = ipEntry("198.18.0.106");
      assertThat(us4.propertyNames()).isEqualTo(ip4.propertyNames());
      for (String field : List.of("family", "prefixlen", "scope", "label", "secondary")) {
        assertThat(us4.path(field)).as(field).isEqualTo(ip4.path(field));
      }
      assertThat(us4.has("broadcast")).as("no broadcast, as `ip addr add` without brd").isFalse();
      assertThat(us4.path("label").asString()).isEqualTo("eth0");
      JsonNode ip6 = ipEntry("fd00:198:18::105");
      JsonNode us6 = ipEntry("fd00:198:18::106");
      assertThat(us6.propertyNames()).isEqualTo(ip6.propertyNames());
      for (String field : List.of("family", "prefixlen", "scope", "nodad", "valid_life_time")) {
        assertThat(us6.path(field)).as(field).isEqualTo(ip6.path(field));
      }
      assertThat(us6.path("nodad").asBoolean()).isTrue();
    } finally {
      for (String a :
          List.of(
              "198.18.0.105/24", "fd00:198:18::105/64", "198.18.0.106/24", "fd00:198:18::106/64")) {
        lab.exec(1, "ip", "addr", "del", a, "dev", "eth0");
      }
    }
  }

  @Test
  void refusalsAreOneClearLine() {
    assertThatThrownBy(() -> table.add("eth9", InterfaceAddress.parse("198.18.0.104/24")))
        .isInstanceOf(TransportException.class)
        .hasMessage(
            "eth9: cannot add 198.18.0.104/24: No such device (no such interface; check the name with `ip link`)");
    assertThatThrownBy(() -> table.list("eth9"))
        .isInstanceOf(TransportException.class)
        .hasMessage(
            "eth9: cannot list addresses: No such device (no such interface; check the name with `ip link`)");
    // There as /32, removed as /24: not removed, and said so.
    table.add("eth0", InterfaceAddress.parse("198.18.0.107/32"));
    try {
      assertThatThrownBy(() -> table.remove("eth0", InterfaceAddress.parse("198.18.0.107/24")))
          .isInstanceOf(TransportException.class)
          .hasMessageStartingWith(
              "eth0: cannot remove 198.18.0.107/24: it is on the interface as 198.18.0.107/32");
    } finally {
      table.remove("eth0", InterfaceAddress.parse("198.18.0.107/32"));
    }
    assertThat(ipSays()).doesNotContain(InterfaceAddress.parse("198.18.0.107/32"));
  }

  @Test
  void aRemovalBehindOurBackIsAnEventAtOnce() throws Exception {
    InterfaceAddress v4 = InterfaceAddress.parse("198.18.0.108/24");
    InterfaceAddress v6 = InterfaceAddress.parse("fd00:198:18::108/64");
    List<AddressMessage> seen = new CopyOnWriteArrayList<>();
    AtomicInteger overruns = new AtomicInteger();
    try (AddressEvents events =
        lab.inNamespace(
            1,
            () ->
                AddressEvents.open(
                    new AddressEvents.Listener() {
                      @Override
                      public void changed(AddressMessage change) {
                        seen.add(change);
                      }

                      @Override
                      public void overrun() {
                        overruns.incrementAndGet();
                      }
                    }))) {
      table.add("eth0", v4);
      table.add("eth0", v6);
      lab.execChecked(1, "ip", "addr", "del", v4.toString(), "dev", "eth0");
      lab.execChecked(1, "ip", "addr", "del", v6.toString(), "dev", "eth0");
      Awaitility.await("both removals heard")
          .atMost(WAIT)
          .until(
              () -> seen.stream().filter(m -> !m.added()).map(AddressMessage::address).toList(),
              l -> l.contains(v4) && l.contains(v6));
      assertThat(seen.stream().filter(AddressMessage::added).map(AddressMessage::address))
          .as("our own adds are heard too")
          .contains(v4, v6);
      int eth0 = seen.getFirst().interfaceIndex();
      assertThat(seen).allMatch(m -> m.interfaceIndex() == eth0);
      assertThat(overruns).hasValue(0);
    }
  }

  @Test
  void lostEventsAreReportedAsAnOverrun() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger overruns = new AtomicInteger();
    // The smallest receive buffer, and a listener that holds the reader on the first event: the
    // next 100 changes cannot all fit, the kernel drops some and says so (ENOBUFS).
    try (AddressEvents events =
        lab.inNamespace(
            1,
            () ->
                AddressEvents.open(
                    new AddressEvents.Listener() {
                      @Override
                      public void changed(AddressMessage change) {
                        try {
                          release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }

                      @Override
                      public void overrun() {
                        overruns.incrementAndGet();
                      }
                    },
                    1))) {
      for (int i = 0; i < 100; i++) {
        table.add("eth0", InterfaceAddress.parse("198.18.1." + (i + 1) + "/32"));
      }
      release.countDown();
      Awaitility.await("overrun reported").atMost(WAIT).until(() -> overruns.get() >= 1);
    } finally {
      for (int i = 0; i < 100; i++) {
        table.remove("eth0", InterfaceAddress.parse("198.18.1." + (i + 1) + "/32"));
      }
    }
  }
}
