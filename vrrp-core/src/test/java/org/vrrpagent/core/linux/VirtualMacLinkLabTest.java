package org.vrrpagent.core.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vrrpagent.core.io.TransportException;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.wire.AddressFamily;

/** The virtual MAC macvlan on a real interface in a network namespace. */
class VirtualMacLinkLabTest {
  private static NetnsLab lab;

  @BeforeAll
  static void buildLab() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    lab = NetnsLab.create(2);
  }

  @AfterAll
  static void tearDownLab() {
    if (lab != null) {
      lab.close();
    }
  }

  private static VirtualMacLink create(int host, AddressFamily family, int vrid) {
    return lab.inNamespace(host, () -> VirtualMacLink.create("eth0", family, vrid));
  }

  private static void close(int host, VirtualMacLink link) {
    lab.inNamespaceRun(host, link::close);
  }

  private static String sysctl(int host, String key) {
    return lab.execChecked(host, "cat", "/proc/sys/net/" + key).strip();
  }

  private static boolean exists(int host, String name) {
    return lab.exec(host, "ip", "link", "show", "dev", name).succeeded();
  }

  @Test
  void macAndNameFollowRfc9568AndKeepalived() {
    assertThat(VirtualMacLink.mac(AddressFamily.IPV4, 51)).isEqualTo("00:00:5e:00:01:33");
    assertThat(VirtualMacLink.mac(AddressFamily.IPV6, 255)).isEqualTo("00:00:5e:00:02:ff");
    assertThat(VirtualMacLink.interfaceName(AddressFamily.IPV4, 51)).isEqualTo("vrrp.51");
    assertThat(VirtualMacLink.interfaceName(AddressFamily.IPV6, 255)).isEqualTo("vrrp6.255");
    assertThatThrownBy(() -> VirtualMacLink.mac(AddressFamily.IPV4, 0))
        .hasMessage("VRID 0 (expected: 1..255)");
  }

  @Test
  void ipv4CreatesAnUpMacvlanWithoutIpv6AddressesAndRestoresTheSysctlsOnClose() {
    String ignoreBefore = sysctl(1, "ipv4/conf/eth0/arp_ignore");
    String announceBefore = sysctl(1, "ipv4/conf/eth0/arp_announce");
    VirtualMacLink link = create(1, AddressFamily.IPV4, 51);
    try {
      String details = lab.execChecked(1, "ip", "-d", "link", "show", "dev", "vrrp.51");
      assertThat(details)
          .contains("link/ether 00:00:5e:00:01:33")
          .contains("macvlan mode bridge")
          .contains("addrgenmode none")
          .contains(",UP");
      assertThat(lab.execChecked(1, "ip", "-o", "addr", "show", "dev", "vrrp.51"))
          .as("no address at all")
          .isBlank();
      assertThat(sysctl(1, "ipv4/conf/vrrp.51/arp_ignore")).isEqualTo("1");
      assertThat(sysctl(1, "ipv4/conf/eth0/arp_ignore")).isEqualTo("1");
      assertThat(sysctl(1, "ipv4/conf/eth0/arp_announce")).isEqualTo("2");
      assertThat(sysctl(2, "ipv4/conf/eth0/arp_ignore"))
          .as("other namespace untouched")
          .isEqualTo(ignoreBefore);
    } finally {
      close(1, link);
    }
    assertThat(exists(1, "vrrp.51")).isFalse();
    assertThat(sysctl(1, "ipv4/conf/eth0/arp_ignore")).isEqualTo(ignoreBefore);
    assertThat(sysctl(1, "ipv4/conf/eth0/arp_announce")).isEqualTo(announceBefore);
    close(1, link); // idempotent
  }

  @Test
  void ipv6UsesTheIpv6MacAndName() {
    VirtualMacLink link = create(2, AddressFamily.IPV6, 7);
    try {
      assertThat(link.name()).isEqualTo("vrrp6.7");
      assertThat(lab.execChecked(2, "ip", "-d", "link", "show", "dev", "vrrp6.7"))
          .contains("link/ether 00:00:5e:00:02:07")
          .contains("addrgenmode none");
      assertThat(lab.execChecked(2, "ip", "-o", "-6", "addr", "show", "dev", "vrrp6.7"))
          .as("no link-local from the VMAC")
          .isBlank();
    } finally {
      close(2, link);
    }
    assertThat(exists(2, "vrrp6.7")).isFalse();
  }

  @Test
  void aLeftoverFromACrashIsReplacedButAForeignInterfaceIsNot() {
    VirtualMacLink crashed = create(1, AddressFamily.IPV4, 60);
    VirtualMacLink again = create(1, AddressFamily.IPV4, 60);
    assertThat(exists(1, "vrrp.60")).isTrue();
    close(1, again);
    assertThat(exists(1, "vrrp.60")).isFalse();
    close(1, crashed);

    lab.execChecked(1, "ip", "link", "add", "vrrp.61", "type", "veth", "peer", "name", "vp61");
    try {
      assertThatThrownBy(() -> create(1, AddressFamily.IPV4, 61))
          .isInstanceOf(TransportException.class)
          .hasMessage(
              "vrrp.61: an interface of this name exists and is not our macvlan on eth0 with 00:00:5e:00:01:3d"
                  + " (remove it, or turn virtual-mac off)");
      assertThat(exists(1, "vrrp.61")).as("the foreign interface is left alone").isTrue();
    } finally {
      lab.exec(1, "ip", "link", "del", "vrrp.61");
    }
  }

  @Test
  void aMissingParentIsOneClearLine() {
    assertThatThrownBy(
            () ->
                lab.inNamespace(1, () -> VirtualMacLink.create("nosuch0", AddressFamily.IPV4, 70)))
        .isInstanceOf(TransportException.class)
        .hasMessageStartingWith("vrrp.70: cannot create the virtual MAC interface: ")
        .hasMessageEndingWith("(no interface nosuch0? check the name with `ip link`)");
  }
}
