package org.vrrpagent.agent.addresses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vrrpagent.agent.addresses.StateFile.AddressEntry;
import org.vrrpagent.core.io.InterfaceAddress;
import org.vrrpagent.core.lab.NetnsLab;
import org.vrrpagent.core.linux.AddressEvents;
import org.vrrpagent.core.linux.NetlinkAddressTable;

/**
 * The reconciler re-adds an address removed behind our back because the kernel told it, not because
 * it looked: its safety-net look is set to 10 minutes here, and the address must be back within
 * seconds. Everything (netlink sockets, the reconciler's thread) lives in a lab namespace.
 */
class AddressReconcilerLabTest {
  private static final Duration BACK_WITHIN = Duration.ofSeconds(3);
  private static final InterfaceAddress V4 = InterfaceAddress.parse("198.18.0.120/24");
  private static final InterfaceAddress V6 = InterfaceAddress.parse("fd00:198:18::120/64");

  private NetnsLab lab;
  private NetlinkAddressTable real;
  private AddressReconciler reconciler;
  private final List<AddressEntry> readded = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    assumeFalse(NetnsLab.skipRequested(), "lab tests skipped by -Dvrrp.skipLab=true");
    lab = NetnsLab.create(1);
    real = lab.inNamespace(1, NetlinkAddressTable::open);
    RecordedAddressTable table =
        new RecordedAddressTable(real, new StateFile(lab.workDir().resolve("state.json")));
    reconciler =
        new AddressReconciler(
            table,
            e -> "vip",
            new AddressReconciler.Listener() {
              @Override
              public void readded(String instance, AddressEntry address, RuntimeException f) {
                readded.add(address);
              }

              @Override
              public void duplicateRaised(String instance, AddressEntry address, String mac) {}

              @Override
              public void duplicateCleared(String instance, AddressEntry address, String why) {}
            },
            Duration.ofMinutes(10),
            AddressEvents::open);
    // The reconciler's thread and its event socket are created here, inside the namespace.
    lab.inNamespaceRun(1, reconciler::start);
    table.add("eth0", V4);
    table.add("eth0", V6);
  }

  @AfterEach
  void stop() {
    if (reconciler != null) {
      reconciler.close();
    }
    if (real != null) {
      real.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private boolean present(InterfaceAddress a) {
    return lab.execChecked(1, "ip", "addr", "show", "dev", "eth0").contains(a.toString() + " ");
  }

  @Test
  void anAddressDeletedByHandIsBackAtOnceThanksToTheEvent() {
    for (InterfaceAddress a : List.of(V4, V6)) {
      assertThat(present(a)).isTrue();
      long t0 = System.nanoTime();
      lab.execChecked(1, "ip", "addr", "del", a.toString(), "dev", "eth0");
      Awaitility.await(a + " added again")
          .atMost(BACK_WITHIN)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> present(a));
      System.out.printf(
          "%s: ip addr del -> back on eth0 (seen by polling ip) in %.1f ms%n",
          a, (System.nanoTime() - t0) / 1e6);
    }
    assertThat(readded).containsExactly(new AddressEntry("eth0", V4), new AddressEntry("eth0", V6));
  }
}
